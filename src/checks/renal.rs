//! `renal`: a medicine or a dose that does not fit the patient's kidney
//! function, from the knowledge base's `[[renal]]` rules (eGFR or
//! creatinine-clearance bands: avoid, reduce to a stated dose, or monitor).
//! How kidney function is found, estimated or stood in for is in
//! [`super::patient`]; a medicine with a rule and no kidney value on file is
//! a `missing-data` finding.

use super::{Check, CheckContext, CheckDoc, Finding, patient};

pub struct Renal;

static DOC: CheckDoc = CheckDoc {
    name: "renal",
    summary: "A medicine, or a dose, that does not fit the kidney function: avoid it below a \
              threshold, reduce it to a stated dose, or monitor. Rules are stated in eGFR or in \
              creatinine clearance as the label states them; clearance is estimated by \
              Cockcroft–Gault from age, weight, sex and serum creatinine when not given, and \
              the dose compared is the one the patient really takes.",
    why: "Many medicines leave the body through the kidneys. When kidney function falls, \
          they build up: gabapentin causes falls and confusion, metformin lactic acidosis, \
          DOACs bleeding, nitrofurantoin stops working and harms. Doses are often set when \
          the kidneys were better and never revisited.",
    example: "[patient]\nsex = \"female\"\nweight_kg = 58\n\n[labs]\nscr = 1.6\n\n\
              [[medications]]\nname = \"gabapentin 600 mg\"\nsig = \"1 tab tid\"",
    references: &[
        "Cockcroft DW, Gault MH. Prediction of creatinine clearance from serum creatinine. \
         Nephron 1976;16:31-41",
        "KDIGO 2024 Clinical Practice Guideline for the Evaluation and Management of Chronic \
         Kidney Disease, chapter 4 (medication management)",
        "AGS Beers Criteria 2023, Table 6 (kidney function)",
        "Each rule cites the FDA label or guideline it rests on",
    ],
};

impl Check for Renal {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn run(&self, cx: &CheckContext) -> Vec<Finding> {
        patient::findings(cx.regimen, cx.kb, DOC.name, cx.kb.renal_rules())
    }
}
