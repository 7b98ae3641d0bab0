//! `older-adult`: medicines that are often unsuitable at 65 and over (the
//! AGS Beers Criteria 2023 and STOPP version 3, paraphrased and cited by
//! table or criterion), including drug–condition pairs (falls, dementia,
//! heart failure…), the total anticholinergic burden and three or more
//! CNS-active medicines together. Rules are the knowledge base's
//! `[[older-adult]]` table, applied by [`super::patient`] from the age at
//! the review date.

use super::{Check, CheckContext, CheckDoc, Finding, patient};

pub struct OlderAdult;

static DOC: CheckDoc = CheckDoc {
    name: "older-adult",
    summary: "A medicine that is often unsuitable from age 65 (at the review date): medicines \
              to avoid, medicines that worsen a condition the patient has (falls, dementia, \
              delirium, heart failure, Parkinson's disease, a history of ulcers), a high \
              anticholinergic burden, and three or more medicines acting on the brain taken \
              together.",
    why: "With age, the body clears medicines more slowly and the brain is more sensitive to \
          them. Sedatives and anticholinergic medicines cause falls, fractures and confusion; \
          some medicines worsen heart failure or Parkinson's disease. These criteria are the \
          ones geriatric care uses to find them.",
    example: "[patient]\nborn = 1944-03-02\n\n[health]\nconditions = [\"history of falls\"]\n\n\
              [[medications]]\nname = \"Tylenol PM\"\ntype = \"otc\"",
    references: &[
        "American Geriatrics Society 2023 Updated AGS Beers Criteria for potentially \
         inappropriate medication use in older adults. J Am Geriatr Soc 2023;71:2052-2081",
        "O'Mahony D et al. STOPP/START criteria for potentially inappropriate prescribing in \
         older people: version 3. Eur Geriatr Med 2023;14:625-632 (CC BY 4.0)",
        "Boustani M et al. Impact of anticholinergics on the aging brain: a review and \
         practical application. Aging Health 2008;4:311-320",
    ],
};

impl Check for OlderAdult {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn run(&self, cx: &CheckContext) -> Vec<Finding> {
        patient::findings(cx.regimen, cx.kb, DOC.name, cx.kb.older_adult_rules())
    }
}
