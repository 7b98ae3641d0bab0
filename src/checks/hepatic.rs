//! `hepatic`: a medicine that needs care with liver disease, abnormal liver
//! tests or heavy alcohol use, from the knowledge base's `[[hepatic]]`
//! rules, applied by [`super::patient`].

use super::{Check, CheckContext, CheckDoc, Finding, patient};

pub struct Hepatic;

static DOC: CheckDoc = CheckDoc {
    name: "hepatic",
    summary: "A medicine that needs care, a lower dose or avoiding with liver disease \
              (conditions such as cirrhosis or hepatitis), raised liver tests (ALT, AST) or \
              heavy alcohol use.",
    why: "The liver clears many medicines and some harm it. In cirrhosis NSAIDs can cause \
          kidney failure and bleeding, sedatives can bring on confusion, and acetaminophen, \
          kava, methotrexate or valproate can injure the liver further.",
    example: "[health]\nconditions = [\"cirrhosis\"]\n\n[[medications]]\nname = \"Aleve\"\n\
              type = \"otc\"",
    references: &[
        "LiverTox: Clinical and Research Information on Drug-Induced Liver Injury, NIDDK",
        "Each rule cites the FDA label or guideline it rests on",
    ],
};

impl Check for Hepatic {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn run(&self, cx: &CheckContext) -> Vec<Finding> {
        patient::findings(cx.regimen, cx.kb, DOC.name, cx.kb.hepatic_rules())
    }
}
