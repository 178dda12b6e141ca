#!/usr/bin/env python3
"""Writes seven of fos's own chronic-disease GMF modules into DIR (usage: gen_own_modules.py modules):
coronary artery disease, heart failure, atrial fibrillation, chronic kidney disease, COPD,
osteoarthritis, obesity. Yearly onset probabilities are tuned against config/distributions.yaml."""
import json, sys, os

OUT = sys.argv[1]
ENC = [{"system": "SNOMED-CT", "code": "185347001", "display": "Encounter for problem (procedure)"}]

def sn(code, display): return {"system": "SNOMED-CT", "code": code, "display": display}
def ln(code, display): return {"system": "LOINC", "code": code, "display": display}
def rx(code, display): return {"system": "RxNorm", "code": code, "display": display}

def age(op, q): return {"condition_type": "Age", "operator": op, "quantity": q, "unit": "years"}
def sex(g): return {"condition_type": "Gender", "gender": g}
def attr_set(name): return {"condition_type": "Attribute", "attribute": name, "operator": "is not nil"}
def smoker(): return {"condition_type": "Attribute", "attribute": "smoker", "operator": "==", "value": True}
def AND(*c): return {"condition_type": "And", "conditions": list(c)}
def OR(*c): return {"condition_type": "Or", "conditions": list(c)}
def NOT(c): return {"condition_type": "Not", "condition": c}

def onset_branches(bands, risks, onset="Onset", stay="Yearly"):
    """bands: [(lo, hi, p_male, p_female)] yearly onset probabilities without risk factors;
    risks: [(condition, relative_risk)] — the first that holds applies (order by strength)."""
    out = []
    for lo, hi, pm, pf in bands:
        for g, p in (("M", pm), ("F", pf)):
            base = [sex(g), age(">=", lo), age("<", hi)]
            for cond, rr in risks:
                q = min(0.95, p * rr)
                out.append({"condition": AND(*base, cond),
                            "distributions": [{"transition": onset, "distribution": round(q, 6)},
                                              {"transition": stay, "distribution": round(1 - q, 6)}]})
            out.append({"condition": AND(*base),
                        "distributions": [{"transition": onset, "distribution": round(p, 6)},
                                          {"transition": stay, "distribution": round(1 - p, 6)}]})
    out.append({"transition": stay})
    return out

def yearly_start(start_age, first="Yearly"):
    return {
        "Initial": {"type": "Initial", "direct_transition": "Age_Guard"},
        "Age_Guard": {"type": "Guard", "allow": age(">=", start_age), "direct_transition": first},
    }

def yearly(branches):
    return {"type": "Delay", "exact": {"quantity": 1, "unit": "years"}, "complex_transition": branches}

def encounter(reason, nxt, cls="ambulatory", codes=None):
    return {"type": "Encounter", "encounter_class": cls, "codes": codes or ENC, "reason": reason,
            "direct_transition": nxt}

def lab(code, unit, lo, hi, nxt, category="laboratory"):
    return {"type": "Observation", "category": category, "codes": [code], "unit": unit,
            "range": {"low": lo, "high": hi}, "direct_transition": nxt}

def med(code, reason, nxt, chronic=True):
    return {"type": "MedicationOrder", "codes": [code], "reason": reason, "chronic": chronic,
            "direct_transition": nxt}

def proc(code, reason, nxt):
    return {"type": "Procedure", "codes": [code], "reason": reason, "direct_transition": nxt}

def onset(code, attribute, nxt, target="Diagnosis"):
    return {"type": "ConditionOnset", "target_encounter": target, "codes": [code],
            "assign_to_attribute": attribute, "direct_transition": nxt}

def module(name, remarks, states):
    states.setdefault("Terminal", {"type": "Terminal"})
    return {"name": name, "gmf_version": 1, "remarks": remarks, "states": states}

DM = attr_set("type_2_diabetes")
HTN = attr_set("hypertension")
HLD = attr_set("hyperlipidemia")
CAD = attr_set("coronary_artery_disease")
AF = attr_set("atrial_fibrillation")
OBESE = attr_set("obesity")

# ---------------------------------------------------------------- coronary artery disease
def cad():
    s = 0.6
    bands = [(35, 45, 0.0012 * s, 0.0004 * s), (45, 55, 0.0030 * s, 0.0012 * s),
             (55, 65, 0.0060 * s, 0.0028 * s), (65, 75, 0.0095 * s, 0.0055 * s),
             (75, 200, 0.0130 * s, 0.0085 * s)]
    risks = [(AND(DM, smoker()), 3.5), (OR(DM, smoker()), 2.0), (OR(HTN, HLD), 1.5)]
    st = yearly_start(35)
    st["Yearly"] = yearly(onset_branches(bands, risks))
    st["Onset"] = onset(sn("53741008", "Coronary arteriosclerosis (disorder)"),
                        "coronary_artery_disease", "Diagnosis")
    st["Diagnosis"] = encounter("Onset", "ECG")
    st["ECG"] = proc(sn("29303009", "Electrocardiographic procedure"), "Onset", "LDL")
    st["LDL"] = lab(ln("18262-6", "Cholesterol in LDL [Mass/volume] in Serum or Plasma by Direct assay"),
                    "mg/dL", 110, 190, "Aspirin")
    st["Aspirin"] = med(rx("243670", "aspirin 81 MG Oral Tablet"), "Onset", "Statin")
    st["Statin"] = med(rx("312961", "simvastatin 20 MG Oral Tablet"), "Onset", "Nitroglycerin")
    st["Nitroglycerin"] = med(rx("705129", "nitroglycerin 0.4 MG/ACTUAT Mucosal Spray"), "Onset",
                              "End_Diagnosis")
    st["End_Diagnosis"] = {"type": "EncounterEnd", "direct_transition": "MI_Watch"}
    # Myocardial infarction: yearly 2% (4% with diabetes or smoking) once CAD is present.
    st["MI_Watch"] = yearly([
        {"condition": OR(DM, smoker()), "distributions": [
            {"transition": "MI", "distribution": 0.04}, {"transition": "MI_Watch", "distribution": 0.96}]},
        {"distributions": [{"transition": "MI", "distribution": 0.02},
                           {"transition": "MI_Watch", "distribution": 0.98}]}])
    st["MI"] = {"type": "ConditionOnset", "target_encounter": "MI_Encounter",
                "codes": [sn("22298006", "Myocardial infarction (disorder)")],
                "assign_to_attribute": "myocardial_infarction", "direct_transition": "MI_Encounter"}
    st["MI_Encounter"] = encounter("MI", "MI_ECG", cls="emergency",
                                   codes=[sn("50849002", "Emergency room admission (procedure)")])
    st["MI_ECG"] = proc(sn("29303009", "Electrocardiographic procedure"), "MI", "Troponin")
    st["Troponin"] = lab(ln("89579-7", "Troponin I.cardiac [Mass/volume] in Serum or Plasma by High sensitivity method"),
                         "ng/L", 120, 4000, "Clopidogrel")
    st["Clopidogrel"] = med(rx("309362", "clopidogrel 75 MG Oral Tablet"), "MI", "End_MI_Encounter")
    st["End_MI_Encounter"] = {"type": "EncounterEnd", "direct_transition": "MI_Recovery"}
    st["MI_Recovery"] = {"type": "Delay", "exact": {"quantity": 6, "unit": "weeks"},
                         "direct_transition": "MI_End"}
    st["MI_End"] = {"type": "ConditionEnd", "referenced_by_attribute": "myocardial_infarction",
                    "direct_transition": "Terminal"}
    return module("Coronary Artery Disease", [
        "fos module: coronary artery disease. Yearly onset from 35 by age band and sex, raised by",
        "diabetes and smoking (strongest), hypertension or hyperlipidemia (attributes set by the",
        "other fos modules). Diagnosed with an ECG and an LDL; aspirin, simvastatin, nitroglycerin.",
        "Complication: myocardial infarction (emergency visit, troponin, clopidogrel), yearly 2%",
        "(4% with diabetes or smoking); the acute MI condition ends after 6 weeks.",
        "Targets: config/distributions.yaml."], st)

# ---------------------------------------------------------------- heart failure
def hf():
    s = 0.6
    bands = [(45, 55, 0.0008 * s, 0.0005 * s), (55, 65, 0.0020 * s, 0.0013 * s),
             (65, 75, 0.0045 * s, 0.0032 * s), (75, 200, 0.0100 * s, 0.0080 * s)]
    risks = [(attr_set("myocardial_infarction"), 6.0), (CAD, 3.5), (OR(HTN, DM, AF), 1.8)]
    st = yearly_start(45)
    st["Yearly"] = yearly(onset_branches(bands, risks))
    st["Onset"] = onset(sn("88805009", "Chronic congestive heart failure (disorder)"),
                        "heart_failure", "Diagnosis")
    st["Diagnosis"] = encounter("Onset", "NT_proBNP")
    st["NT_proBNP"] = lab(ln("33762-6", "Natriuretic peptide.B prohormone N-Terminal [Mass/volume] in Serum or Plasma"),
                          "pg/mL", 450, 5000, "Ejection_Fraction")
    st["Ejection_Fraction"] = lab(ln("10230-1", "Left ventricular Ejection fraction"), "%", 20, 40,
                                  "Furosemide", category="imaging")
    st["Furosemide"] = med(rx("313988", "furosemide 40 MG Oral Tablet"), "Onset", "Carvedilol")
    st["Carvedilol"] = med(rx("200033", "carvedilol 25 MG Oral Tablet"), "Onset", "End_Diagnosis")
    st["End_Diagnosis"] = {"type": "EncounterEnd", "direct_transition": "Terminal"}
    return module("Heart Failure", [
        "fos module: chronic heart failure. Yearly onset from 45 by age band and sex, raised by a",
        "past myocardial infarction, coronary artery disease, hypertension, diabetes or atrial",
        "fibrillation. Diagnosed with NT-proBNP and a reduced ejection fraction; furosemide and",
        "carvedilol. Targets: config/distributions.yaml."], st)

# ---------------------------------------------------------------- atrial fibrillation
def afib():
    s = 0.42
    bands = [(40, 55, 0.00025 * s, 0.00012 * s), (55, 65, 0.0011 * s, 0.0006 * s),
             (65, 75, 0.0030 * s, 0.0020 * s), (75, 200, 0.0075 * s, 0.0060 * s)]
    risks = [(attr_set("heart_failure"), 3.0), (OR(HTN, OBESE), 1.5)]
    st = yearly_start(40)
    st["Yearly"] = yearly(onset_branches(bands, risks))
    st["Onset"] = onset(sn("49436004", "Atrial fibrillation (disorder)"), "atrial_fibrillation",
                        "Diagnosis")
    st["Diagnosis"] = encounter("Onset", "ECG")
    st["ECG"] = proc(sn("29303009", "Electrocardiographic procedure"), "Onset", "Heart_Rate")
    st["Heart_Rate"] = lab(ln("8867-4", "Heart rate"), "/min", 100, 150, "Warfarin",
                           category="vital-signs")
    st["Warfarin"] = med(rx("855332", "warfarin sodium 5 MG Oral Tablet"), "Onset", "Digoxin")
    st["Digoxin"] = med(rx("197604", "digoxin 0.125 MG Oral Tablet"), "Onset", "End_Diagnosis")
    st["End_Diagnosis"] = {"type": "EncounterEnd", "direct_transition": "Terminal"}
    return module("Atrial Fibrillation", [
        "fos module: atrial fibrillation. Yearly onset from 40 by age band and sex, raised by heart",
        "failure, hypertension or obesity. Diagnosed with an ECG and a fast heart rate;",
        "anticoagulation (warfarin) and rate control (digoxin). Targets: config/distributions.yaml."], st)

# ---------------------------------------------------------------- chronic kidney disease
def ckd():
    s = 1.0
    bands = [(30, 45, 0.0010 * s, 0.0012 * s), (45, 60, 0.0030 * s, 0.0035 * s),
             (60, 70, 0.0080 * s, 0.0090 * s), (70, 200, 0.0170 * s, 0.0190 * s)]
    risks = [(AND(DM, HTN), 4.0), (DM, 3.0), (HTN, 2.0)]
    st = yearly_start(30)
    st["Yearly"] = yearly(onset_branches(bands, risks))
    stages = [
        ("431855005", "Chronic kidney disease stage 1 (disorder)", 90, 110, 0.8, 1.1),
        ("431856006", "Chronic kidney disease stage 2 (disorder)", 60, 89, 1.0, 1.4),
        ("433144002", "Chronic kidney disease stage 3 (disorder)", 30, 59, 1.4, 2.4),
        ("431857002", "Chronic kidney disease stage 4 (disorder)", 15, 29, 2.5, 4.5),
    ]
    st["Onset"] = {"type": "Simple", "distributed_transition": [
        {"transition": "Stage_1", "distribution": 0.35}, {"transition": "Stage_2", "distribution": 0.4},
        {"transition": "Stage_3", "distribution": 0.25}]}
    for i, (code, disp, elo, ehi, clo, chi) in enumerate(stages, start=1):
        n = f"Stage_{i}"
        first = f"{n}_Diagnosis"
        st[n] = {"type": "ConditionOnset", "target_encounter": first, "codes": [sn(code, disp)],
                 "assign_to_attribute": "chronic_kidney_disease", "direct_transition": first}
        st[first] = encounter(n, f"{n}_eGFR")
        st[f"{n}_eGFR"] = lab(ln("33914-3", "Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum, Plasma or Blood by Creatinine-based formula (MDRD)"),
                              "mL/min/{1.73_m2}", elo, ehi, f"{n}_Creatinine")
        st[f"{n}_Creatinine"] = lab(ln("2160-0", "Creatinine [Mass/volume] in Serum or Plasma"),
                                    "mg/dL", clo, chi, f"{n}_Albumin")
        nxt_med = "Lisinopril" if i == 1 else f"{n}_End_Encounter"
        st[f"{n}_Albumin"] = lab(ln("14959-1", "Microalbumin/Creatinine [Mass Ratio] in Urine"),
                                 "mg/g", 30, 300, f"{n}_Medication_Check")
        st[f"{n}_Medication_Check"] = {"type": "Simple", "conditional_transition": [
            {"condition": {"condition_type": "Active Medication",
                           "codes": [rx("314076", "lisinopril 10 MG Oral Tablet")]},
             "transition": f"{n}_End_Encounter"},
            {"transition": f"{n}_Lisinopril"}]}
        st[f"{n}_Lisinopril"] = med(rx("314076", "lisinopril 10 MG Oral Tablet"), n, f"{n}_End_Encounter")
        if i < len(stages):
            st[f"{n}_End_Encounter"] = {"type": "EncounterEnd", "direct_transition": f"{n}_Progression"}
            # Progression: yearly 4% (8% with diabetes) to the next stage.
            st[f"{n}_Progression"] = yearly([
                {"condition": DM, "distributions": [
                    {"transition": f"{n}_End", "distribution": 0.08},
                    {"transition": f"{n}_Progression", "distribution": 0.92}]},
                {"distributions": [{"transition": f"{n}_End", "distribution": 0.04},
                                   {"transition": f"{n}_Progression", "distribution": 0.96}]}])
            st[f"{n}_End"] = {"type": "ConditionEnd", "condition_onset": n,
                              "direct_transition": f"Stage_{i + 1}"}
        else:
            st[f"{n}_End_Encounter"] = {"type": "EncounterEnd", "direct_transition": "Terminal"}
    return module("Chronic Kidney Disease", [
        "fos module: chronic kidney disease, stages 1 to 4. Yearly onset from 30 by age band and",
        "sex, raised by diabetes and hypertension (together 4x). Each stage is diagnosed at a visit",
        "with eGFR, serum creatinine and urine albumin/creatinine in the stage's range; an ACE",
        "inhibitor (lisinopril) unless already taken. Yearly progression 4% (8% with diabetes): the",
        "stage's condition ends and the next begins. Targets: config/distributions.yaml."], st)

# ---------------------------------------------------------------- COPD
def copd():
    s = 1.15
    bands = [(40, 50, 0.0012 * s, 0.0014 * s), (50, 60, 0.0025 * s, 0.0028 * s),
             (60, 70, 0.0040 * s, 0.0042 * s), (70, 200, 0.0055 * s, 0.0055 * s)]
    risks = [(smoker(), 5.0)]
    st = yearly_start(40)
    st["Yearly"] = yearly(onset_branches(bands, risks))
    st["Onset"] = {"type": "Simple", "distributed_transition": [
        {"transition": "Bronchitis", "distribution": 0.75},
        {"transition": "Emphysema", "distribution": 0.25}]}
    st["Bronchitis"] = onset(sn("185086009", "Chronic obstructive bronchitis (disorder)"), "copd",
                             "Diagnosis")
    st["Emphysema"] = onset(sn("87433001", "Pulmonary emphysema (disorder)"), "copd", "Diagnosis")
    st["Diagnosis"] = encounter("copd", "Spirometry")
    st["Spirometry"] = {"type": "Procedure", "codes": [sn("127783003", "Spirometry (procedure)")],
                        "reason": "copd", "direct_transition": "FEV1_FVC"}
    st["FEV1_FVC"] = lab(ln("19926-5", "FEV1/FVC"), "%", 40, 69, "Albuterol")
    st["Albuterol"] = med(rx("745679", "200 ACTUAT albuterol 0.09 MG/ACTUAT Metered Dose Inhaler"),
                          "copd", "ICS_LABA")
    st["ICS_LABA"] = med(rx("896209", "60 ACTUAT fluticasone propionate 0.25 MG/ACTUAT / salmeterol 0.05 MG/ACTUAT Dry Powder Inhaler"),
                         "copd", "End_Diagnosis")
    st["End_Diagnosis"] = {"type": "EncounterEnd", "direct_transition": "Terminal"}
    return module("COPD", [
        "fos module: chronic obstructive pulmonary disease (chronic obstructive bronchitis 75%,",
        "emphysema 25%). Yearly onset from 40 by age band and sex, 5x for current smokers.",
        "Diagnosed by spirometry (FEV1/FVC below 70%); albuterol and fluticasone/salmeterol",
        "inhalers. Targets: config/distributions.yaml."], st)

# ---------------------------------------------------------------- osteoarthritis
def oa():
    s = 1.05
    bands = [(35, 45, 0.0012 * s, 0.0016 * s), (45, 55, 0.0035 * s, 0.0050 * s),
             (55, 65, 0.0060 * s, 0.0085 * s), (65, 200, 0.0085 * s, 0.0120 * s)]
    risks = [(OBESE, 2.0)]
    st = yearly_start(35)
    st["Yearly"] = yearly(onset_branches(bands, risks))
    st["Onset"] = {"type": "Simple", "distributed_transition": [
        {"transition": "Knee", "distribution": 0.7}, {"transition": "Hip", "distribution": 0.3}]}
    st["Knee"] = onset(sn("239873007", "Osteoarthritis of knee (disorder)"), "osteoarthritis",
                       "Diagnosis")
    st["Hip"] = onset(sn("239872002", "Osteoarthritis of hip (disorder)"), "osteoarthritis",
                      "Diagnosis")
    st["Diagnosis"] = encounter("osteoarthritis", "Pain")
    st["Pain"] = {"type": "Observation", "category": "survey",
                  "codes": [ln("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")],
                  "unit": "{score}", "range": {"low": 3, "high": 8}, "direct_transition": "Analgesic"}
    st["Analgesic"] = {"type": "Simple", "distributed_transition": [
        {"transition": "Naproxen", "distribution": 0.6},
        {"transition": "Acetaminophen", "distribution": 0.4}]}
    st["Naproxen"] = med(rx("849574", "naproxen sodium 220 MG Oral Tablet"), "osteoarthritis",
                         "End_Diagnosis")
    st["Acetaminophen"] = med(rx("313782", "acetaminophen 325 MG Oral Tablet"), "osteoarthritis",
                              "End_Diagnosis")
    st["End_Diagnosis"] = {"type": "EncounterEnd", "direct_transition": "Terminal"}
    return module("Osteoarthritis", [
        "fos module: osteoarthritis of the knee (70%) or hip (30%). Yearly onset from 35 by age",
        "band and sex (women about 1.4x), doubled with obesity. Diagnosed with a 0-10 pain score;",
        "naproxen or acetaminophen. Targets: config/distributions.yaml."], st)

# ---------------------------------------------------------------- obesity
def obesity():
    st = yearly_start(18, first="Check")
    # BMI comes from the engine's vital signs (an individual curve rising through adulthood);
    # weight gain beyond that curve is drawn here and written back as the BMI vital sign.
    st["Check"] = {"type": "Simple", "conditional_transition": [
        {"condition": {"condition_type": "Vital Sign", "vital_sign": "BMI", "operator": ">=",
                       "value": 30}, "transition": "Onset"},
        {"transition": "Yearly"}]}
    bands = [(18, 30, 0.0120, 0.0120), (30, 45, 0.0110, 0.0110), (45, 60, 0.0095, 0.0095),
             (60, 200, 0.0040, 0.0040)]
    st["Yearly"] = yearly(onset_branches(bands, [], onset="Weight_Gain", stay="Check"))
    st["Weight_Gain"] = {"type": "VitalSign", "vital_sign": "BMI", "unit": "kg/m2",
                         "range": {"low": 30, "high": 38}, "direct_transition": "Onset"}
    st["Onset"] = onset(sn("162864005", "Body mass index 30+ - obesity (finding)"), "obesity",
                        "Diagnosis")
    st["Diagnosis"] = encounter("Onset", "BMI")
    st["BMI"] = {"type": "Observation", "category": "vital-signs",
                 "codes": [ln("39156-5", "Body mass index (BMI) [Ratio]")], "unit": "kg/m2",
                 "vital_sign": "BMI", "direct_transition": "Counseling"}
    st["Counseling"] = {"type": "Procedure",
                        "codes": [sn("410177006", "Special diet education (procedure)")],
                        "reason": "Onset", "direct_transition": "End_Diagnosis"}
    st["End_Diagnosis"] = {"type": "EncounterEnd", "direct_transition": "Terminal"}
    return module("Obesity", [
        "fos module: obesity from BMI. From 18, yearly: a BMI vital sign of 30 or more starts the",
        "finding 'Body mass index 30+ - obesity'; otherwise weight gain beyond the engine's BMI",
        "curve is drawn by age band and sets the BMI vital to 30-38. Diagnosed with a recorded BMI",
        "and diet education. Targets: config/distributions.yaml."], st)

for fname, fn in [("coronary_artery_disease", cad), ("heart_failure", hf), ("atrial_fibrillation", afib),
                  ("chronic_kidney_disease", ckd), ("copd", copd), ("osteoarthritis", oa), ("obesity", obesity)]:
    with open(os.path.join(OUT, fname + ".json"), "w") as f:
        json.dump(fn(), f, indent=2)
        f.write("\n")
