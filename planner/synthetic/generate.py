"""Deterministic synthetic organisations: the bundled sample and benchmark datasets.

The fictional company is a European manufacturer with six job families (Finance, Technology,
Operations, Sales & Marketing, People, General Management) and grades 1 (analyst) to 6 (C-level).
Critical roles (grades 3-6, one incumbent each, a few vacant) come from a fixed set of group
leadership roles; beyond it they are repeated for business divisions. Everyone else holds a shared
role of their family and grade, in a pyramid. Skills follow each employee's role with a personal
strength factor plus noise, so the people one grade below a critical role usually lack a level or
two in a skill or two; the intervention catalogue has foundation -> advanced pathways for those gaps.

Same arguments, same tables (``numpy.random.default_rng(seed)``); vectorised, so 50,000 employees
take seconds. Run ``python -m planner.synthetic.generate --sample data/sample`` to rewrite the bundled sample.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd

from planner.contract.domain import TABLES

SAMPLE_SEED = 22
SAMPLE_EMPLOYEES = 300
SAMPLE_CRITICAL_ROLES = 32

# --------------------------------------------------------------------------------------------
# The company: families, skills, roles, interventions.
# --------------------------------------------------------------------------------------------

# code, family, department, cities (the first is the main site)
FAMILIES = (
    ("FIN", "Finance", "Finance", ("Amsterdam", "London")),
    ("TEC", "Technology", "Technology", ("Amsterdam", "Barcelona", "Warsaw")),
    ("OPS", "Operations", "Operations", ("Rotterdam", "Lyon", "Warsaw")),
    ("SAL", "Sales & Marketing", "Sales & Marketing", ("London", "Frankfurt", "Milan")),
    ("PPL", "People", "Human Resources", ("Amsterdam", "Warsaw")),
    ("GM", "General Management", "Executive Office", ("Amsterdam",)),
)
FAMILY_CODES = tuple(f[0] for f in FAMILIES)

# Share of each grade in the workforce, and each family's share within a grade (FIN..GM).
GRADE_SHARE = {1: 0.38, 2: 0.29, 3: 0.17, 4: 0.09, 5: 0.05, 6: 0.02}
FAMILY_SHARE = {
    1: (0.14, 0.24, 0.32, 0.22, 0.08, 0.00),
    2: (0.14, 0.23, 0.30, 0.22, 0.08, 0.03),
    3: (0.15, 0.22, 0.28, 0.20, 0.09, 0.06),
    4: (0.16, 0.21, 0.26, 0.20, 0.09, 0.08),
    5: (0.17, 0.20, 0.24, 0.20, 0.09, 0.10),
    6: (0.17, 0.17, 0.17, 0.17, 0.16, 0.16),
}
SALARY = {1: 45_000, 2: 60_000, 3: 85_000, 4: 120_000, 5: 180_000, 6: 300_000}  # proxy by grade

# skill code (S-<code>), name, category; a family's technical skills carry its code.
SKILLS = (
    ("FIN-REP", "Financial Reporting", "Finance"),
    ("FIN-FPA", "Financial Planning & Analysis", "Finance"),
    ("FIN-TRE", "Treasury & Cash Management", "Finance"),
    ("FIN-TAX", "Tax & Compliance", "Finance"),
    ("TEC-SWE", "Software Engineering", "Technology"),
    ("TEC-CLD", "Cloud Architecture", "Technology"),
    ("TEC-DAT", "Data Engineering", "Technology"),
    ("TEC-SEC", "Cybersecurity", "Technology"),
    ("OPS-LEN", "Lean Manufacturing", "Operations"),
    ("OPS-SCP", "Supply Chain Planning", "Operations"),
    ("OPS-QUA", "Quality Management", "Operations"),
    ("OPS-PRO", "Procurement", "Operations"),
    ("SAL-KAM", "Key Account Management", "Sales & Marketing"),
    ("SAL-PRC", "Pricing", "Sales & Marketing"),
    ("SAL-DMK", "Digital Marketing", "Sales & Marketing"),
    ("SAL-NEG", "Negotiation", "Sales & Marketing"),
    ("PPL-LAW", "Employment Law", "People"),
    ("PPL-TAL", "Talent Acquisition", "People"),
    ("PPL-REW", "Reward & Compensation", "People"),
    ("PPL-ODV", "Organisation Development", "People"),
    ("GM-MNA", "Corporate Development & M&A", "General Management"),
    ("GM-GOV", "Governance & Risk", "General Management"),
    ("BUS-PMO", "Project & Programme Management", "Business"),
    ("BUS-DAT", "Data Literacy", "Business"),
    ("LDR-PPL", "People Leadership", "Leadership"),
    ("LDR-STR", "Strategic Thinking", "Leadership"),
    ("LDR-STK", "Stakeholder Management", "Leadership"),
    ("LDR-CHG", "Change Management", "Leadership"),
    ("LDR-COM", "Commercial Acumen", "Leadership"),
)

# Required level by grade: (first skill listed, other skills), for technical and leadership skills.
TECH_LEVEL = {1: (2, 1), 2: (3, 2), 3: (3, 2), 4: (4, 3), 5: (4, 4), 6: (5, 4)}
LEAD_LEVEL = {3: (3, 2), 4: (3, 3), 5: (4, 3), 6: (5, 4)}
LEAD_BACKGROUND = {1: 1, 2: 1, 3: 2, 4: 2, 5: 3, 6: 4}  # leadership level where the role needs none

# Critical roles of the group, per family in priority order: code, title, grade, skills (first =
# primary), location, unit (appended to the title; replaced by the division in divisional copies).
CRITICAL = {
    "FIN": (
        ("CFO", "Chief Financial Officer", 6, "FIN-FPA FIN-REP LDR-STR LDR-STK LDR-PPL", "Amsterdam", ""),
        ("CTL", "Financial Controller", 5, "FIN-REP FIN-TAX LDR-PPL LDR-STK", "Amsterdam", ""),
        ("TRS", "Head of Treasury", 4, "FIN-TRE FIN-REP LDR-STK", "London", ""),
        ("FPA", "Head of FP&A", 4, "FIN-FPA FIN-REP LDR-COM LDR-STK", "Amsterdam", ""),
        ("TAX", "Head of Tax", 4, "FIN-TAX FIN-REP LDR-STK", "Amsterdam", ""),
        ("ACC", "Accounting Manager", 3, "FIN-REP FIN-TAX BUS-DAT LDR-PPL", "Amsterdam", ""),
        ("TRM", "Treasury Manager", 3, "FIN-TRE FIN-FPA LDR-STK", "London", ""),
    ),
    "TEC": (
        ("CTO", "Chief Technology Officer", 6, "TEC-CLD TEC-SWE LDR-STR LDR-CHG LDR-PPL LDR-STK", "Amsterdam", ""),
        ("DAT", "Head of Data", 5, "TEC-DAT TEC-CLD LDR-STR LDR-STK", "Amsterdam", ""),
        ("ENG", "Director of Engineering", 5, "TEC-SWE TEC-CLD LDR-PPL LDR-CHG", "Barcelona", ""),
        ("SEC", "Head of Cybersecurity", 4, "TEC-SEC TEC-CLD LDR-STK", "Amsterdam", ""),
        ("ARC", "Enterprise Architect", 4, "TEC-CLD TEC-SWE LDR-STR", "Barcelona", ""),
        ("EMG", "Engineering Manager", 3, "TEC-SWE TEC-CLD LDR-PPL", "Warsaw", ""),
        ("DEM", "Data Engineering Manager", 3, "TEC-DAT TEC-SWE LDR-PPL", "Barcelona", ""),
    ),
    "OPS": (
        ("COO", "Chief Operating Officer", 6, "OPS-SCP OPS-LEN LDR-STR LDR-CHG LDR-PPL LDR-COM", "Amsterdam", ""),
        ("MFG", "Director of Manufacturing", 5, "OPS-LEN OPS-QUA LDR-PPL LDR-CHG", "Rotterdam", ""),
        ("SCM", "Head of Supply Chain", 5, "OPS-SCP OPS-PRO LDR-STK LDR-COM", "Rotterdam", ""),
        ("PLY", "Plant Manager", 4, "OPS-LEN OPS-QUA LDR-PPL", "Lyon", "Lyon"),
        ("PRO", "Head of Procurement", 4, "OPS-PRO SAL-NEG LDR-STK", "Rotterdam", ""),
        ("PWA", "Plant Manager", 4, "OPS-LEN OPS-QUA LDR-PPL", "Warsaw", "Warsaw"),
        ("QUA", "Quality Manager", 3, "OPS-QUA OPS-LEN LDR-PPL", "Lyon", ""),
        ("LOG", "Logistics Manager", 3, "OPS-SCP OPS-PRO LDR-PPL", "Rotterdam", ""),
    ),
    "SAL": (
        ("CCO", "Chief Commercial Officer", 6, "SAL-KAM SAL-PRC LDR-COM LDR-STR LDR-STK LDR-PPL", "Amsterdam", ""),
        ("RSN", "Regional Sales Director", 5, "SAL-KAM SAL-NEG LDR-PPL LDR-COM", "Frankfurt", "Northern Europe"),
        ("MKT", "Marketing Director", 5, "SAL-DMK SAL-PRC LDR-STR LDR-STK", "London", ""),
        ("RSS", "Regional Sales Director", 5, "SAL-KAM SAL-NEG LDR-PPL LDR-COM", "Milan", "Southern Europe"),
        ("PRC", "Head of Pricing", 4, "SAL-PRC FIN-FPA LDR-COM", "London", ""),
        ("KAD", "Key Account Director", 4, "SAL-KAM SAL-NEG LDR-STK", "Frankfurt", ""),
        ("DMM", "Digital Marketing Manager", 3, "SAL-DMK BUS-DAT LDR-STK", "London", ""),
    ),
    "PPL": (
        ("CPO", "Chief People Officer", 6, "PPL-ODV PPL-LAW LDR-STR LDR-CHG LDR-STK LDR-PPL", "Amsterdam", ""),
        ("HRD", "HR Director", 5, "PPL-LAW PPL-ODV LDR-PPL LDR-STK", "Amsterdam", ""),
        ("TAL", "Head of Talent Acquisition", 4, "PPL-TAL LDR-STK LDR-COM", "Warsaw", ""),
        ("REW", "Head of Reward", 4, "PPL-REW FIN-FPA LDR-STK", "Amsterdam", ""),
        ("HBP", "HR Business Partner", 3, "PPL-LAW PPL-ODV LDR-STK", "Rotterdam", "Operations"),
        ("LND", "Learning & Development Manager", 3, "PPL-ODV PPL-TAL LDR-CHG", "Warsaw", ""),
    ),
    "GM": (
        ("CEO", "Chief Executive Officer", 6, "LDR-STR LDR-COM LDR-STK LDR-CHG GM-GOV", "Amsterdam", ""),
        ("STR", "Director of Strategy", 5, "GM-MNA FIN-FPA LDR-STR LDR-STK", "Amsterdam", ""),
        ("COS", "Chief of Staff to the CEO", 4, "LDR-STK GM-GOV LDR-STR", "Amsterdam", ""),
        ("TRF", "Head of Transformation", 4, "LDR-CHG BUS-PMO LDR-STK", "Amsterdam", ""),
    ),
}

# Divisions that repeat the group's critical roles when more are asked for: (name, city).
DIVISIONS = (
    ("Consumer Products", "Rotterdam"), ("Industrial Solutions", "Lyon"), ("Healthcare", "Frankfurt"),
    ("Energy Systems", "Warsaw"), ("Logistics Services", "Antwerp"), ("Digital Services", "Barcelona"),
    ("Specialty Materials", "Milan"), ("Nordics", "Stockholm"), ("UK & Ireland", "Manchester"),
    ("DACH", "Munich"), ("Iberia", "Madrid"), ("North America", "Chicago"), ("Latin America", "Sao Paulo"),
    ("Asia Pacific", "Singapore"), ("Middle East", "Dubai"), ("India", "Bangalore"), ("Japan & Korea", "Tokyo"),
    ("Greater China", "Shanghai"), ("Africa", "Johannesburg"), ("Oceania", "Sydney"),
)

# Shared (non-critical) roles: family -> (code, title, grade, skills); the first of a grade is the largest.
STAFF = {
    "FIN": (
        ("ANL", "Financial Analyst", 1, "FIN-REP FIN-FPA BUS-DAT"),
        ("ACT", "Accountant", 1, "FIN-REP FIN-TAX BUS-DAT"),
        ("SAN", "Senior Financial Analyst", 2, "FIN-FPA FIN-REP BUS-DAT"),
        ("TAN", "Treasury Analyst", 2, "FIN-TRE FIN-REP BUS-DAT"),
        ("MGR", "Finance Manager", 3, "FIN-REP FIN-FPA LDR-PPL LDR-STK"),
        ("SMG", "Senior Finance Manager", 4, "FIN-FPA FIN-REP FIN-TAX LDR-PPL LDR-STK"),
        ("DIR", "Finance Director", 5, "FIN-FPA FIN-REP LDR-PPL LDR-STR LDR-STK"),
        ("VP", "Vice President, Finance", 6, "FIN-FPA FIN-REP LDR-STR LDR-STK LDR-PPL"),
    ),
    "TEC": (
        ("SWE", "Software Engineer", 1, "TEC-SWE TEC-CLD BUS-DAT"),
        ("DAN", "Data Analyst", 1, "TEC-DAT BUS-DAT TEC-SWE"),
        ("SSE", "Senior Software Engineer", 2, "TEC-SWE TEC-CLD TEC-SEC"),
        ("DEN", "Data Engineer", 2, "TEC-DAT TEC-CLD TEC-SWE"),
        ("SCE", "Security Engineer", 2, "TEC-SEC TEC-CLD TEC-SWE"),
        ("LEA", "Lead Engineer", 3, "TEC-SWE TEC-CLD LDR-PPL LDR-STK"),
        ("SOL", "Security Operations Lead", 3, "TEC-SEC TEC-CLD LDR-PPL LDR-STK"),
        ("PEN", "Principal Engineer", 4, "TEC-CLD TEC-SWE TEC-DAT LDR-STR LDR-STK"),
        ("DIR", "Technology Director", 5, "TEC-SWE TEC-CLD LDR-PPL LDR-STR LDR-CHG"),
        ("VP", "Vice President, Technology", 6, "TEC-CLD TEC-SWE LDR-STR LDR-CHG LDR-PPL"),
    ),
    "OPS": (
        ("PLN", "Production Planner", 1, "OPS-SCP OPS-LEN BUS-DAT"),
        ("QTE", "Quality Technician", 1, "OPS-QUA OPS-LEN BUS-PMO"),
        ("SUP", "Production Supervisor", 2, "OPS-LEN OPS-QUA OPS-SCP"),
        ("BUY", "Buyer", 2, "OPS-PRO SAL-NEG OPS-SCP"),
        ("MGR", "Operations Manager", 3, "OPS-LEN OPS-SCP LDR-PPL LDR-CHG"),
        ("PRM", "Procurement Manager", 3, "OPS-PRO SAL-NEG LDR-STK"),
        ("SMG", "Senior Operations Manager", 4, "OPS-SCP OPS-LEN OPS-QUA LDR-PPL LDR-CHG"),
        ("DIR", "Operations Director", 5, "OPS-LEN OPS-SCP LDR-PPL LDR-CHG LDR-COM"),
        ("VP", "Vice President, Operations", 6, "OPS-SCP OPS-LEN LDR-STR LDR-CHG LDR-PPL"),
    ),
    "SAL": (
        ("REP", "Sales Representative", 1, "SAL-KAM SAL-NEG BUS-DAT"),
        ("MKE", "Marketing Executive", 1, "SAL-DMK BUS-DAT SAL-PRC"),
        ("ACM", "Account Manager", 2, "SAL-KAM SAL-NEG SAL-PRC"),
        ("MKS", "Marketing Specialist", 2, "SAL-DMK SAL-PRC BUS-DAT"),
        ("SMG", "Sales Manager", 3, "SAL-KAM SAL-NEG LDR-PPL LDR-COM"),
        ("MKM", "Marketing Manager", 3, "SAL-DMK SAL-PRC LDR-STK LDR-COM"),
        ("SSM", "Senior Sales Manager", 4, "SAL-KAM SAL-NEG SAL-PRC LDR-PPL LDR-COM"),
        ("DIR", "Sales Director", 5, "SAL-KAM SAL-NEG LDR-PPL LDR-COM LDR-STR"),
        ("VP", "Vice President, Sales", 6, "SAL-KAM SAL-PRC LDR-COM LDR-STR LDR-PPL"),
    ),
    "PPL": (
        ("HRC", "HR Coordinator", 1, "PPL-LAW PPL-REW BUS-DAT"),
        ("RCT", "Recruiter", 1, "PPL-TAL PPL-LAW BUS-DAT"),
        ("HRS", "HR Specialist", 2, "PPL-LAW PPL-REW PPL-ODV"),
        ("SRC", "Senior Recruiter", 2, "PPL-TAL PPL-LAW SAL-NEG"),
        ("HRM", "HR Manager", 3, "PPL-LAW PPL-ODV LDR-PPL LDR-STK"),
        ("RWM", "Reward Manager", 3, "PPL-REW FIN-FPA LDR-STK"),
        ("SHR", "Senior HR Manager", 4, "PPL-LAW PPL-ODV PPL-REW LDR-PPL LDR-STK"),
        ("DIR", "People Director", 5, "PPL-ODV PPL-LAW LDR-PPL LDR-CHG LDR-STK"),
        ("VP", "Vice President, People", 6, "PPL-ODV PPL-LAW LDR-STR LDR-CHG LDR-PPL"),
    ),
    "GM": (
        ("SAN", "Strategy Analyst", 2, "GM-MNA FIN-FPA BUS-DAT"),
        ("SMG", "Strategy Manager", 3, "GM-MNA BUS-PMO LDR-STR LDR-STK"),
        ("SSM", "Senior Strategy Manager", 4, "GM-MNA GM-GOV LDR-STR LDR-STK"),
        ("DIR", "Director, Strategic Programmes", 5, "GM-MNA BUS-PMO LDR-STR LDR-CHG LDR-STK"),
        ("EVP", "Executive Vice President", 6, "LDR-STR LDR-COM LDR-STK GM-GOV LDR-PPL"),
    ),
}

# Where successors may come from besides their own family.
FAMILY_MOVES = (
    ("Finance", "General Management"),
    ("Operations", "General Management"),
    ("Sales & Marketing", "General Management"),
    ("People", "General Management"),
    ("Technology", "General Management"),
    ("General Management", "Finance"),
    ("Finance", "Operations"),
    ("Technology", "Operations"),
    ("Finance", "Sales & Marketing"),
    ("Operations", "Sales & Marketing"),
)

# The intervention catalogue: ID code, tier (1 = the core catalogue, 2 = extended), name, kind,
# effects "SKILL:min>to ...", cost, duration (quarters), hours per quarter, seats, earliest, latest.
# Within a code, tier 1 comes first, so the core catalogue's IDs are contiguous.
CATALOGUE = (
    ("LDR", 1, "First-Time Manager Programme", "course", "LDR-PPL:0>3 LDR-STK:1>3", 3500, 2, 24, None, 0, None),
    ("LDR", 1, "Strategy Academy", "course", "LDR-STR:1>3", 2800, 1, 30, None, 0, None),
    ("LDR", 1, "Commercial Acumen for Managers", "course", "LDR-COM:1>3", 2400, 1, 20, None, 0, None),
    ("LDR", 1, "Change Management Foundations", "course", "LDR-CHG:0>3", 1800, 1, 16, None, 0, None),
    ("LDR", 1, "Leadership Mentoring Circle", "mentoring", "LDR-PPL:3>4", 1200, 3, 12, 4, 0, None),
    ("LDR", 1, "Advanced Strategic Leadership Programme", "course", "LDR-STR:3>4 LDR-COM:3>4", 6000, 2, 32, None, 1, None),
    ("LDR", 1, "Change Leadership Stretch Assignment", "stretch_assignment", "LDR-CHG:2>4 LDR-STK:3>4", 6000, 3, 40, 2, 0, None),
    ("LDR", 1, "Executive Coaching", "coaching", "LDR-STR:4>5 LDR-PPL:4>5", 15000, 3, 16, 2, 0, None),
    ("LDR", 2, "Executive Committee Mentoring", "mentoring", "LDR-STR:3>4", 1500, 4, 10, 3, 0, None),
    ("LDR", 2, "Executive Coaching: Commercial Leadership", "coaching", "LDR-COM:4>5 LDR-STK:4>5", 11000, 2, 12, 2, 0, None),
    ("LDR", 2, "Influencing & Stakeholder Management", "course", "LDR-STK:2>4", 3200, 1, 16, None, 0, None),
    ("FIN", 1, "Financial Reporting Essentials", "course", "FIN-REP:0>3", 1800, 1, 24, None, 0, None),
    ("FIN", 1, "Advanced IFRS Reporting", "course", "FIN-REP:3>4", 4200, 2, 30, None, 0, None),
    ("FIN", 1, "Finance for Non-Finance Managers", "course", "FIN-FPA:0>3 FIN-REP:0>2", 2200, 1, 20, None, 0, None),
    ("FIN", 1, "Strategic FP&A Programme", "course", "FIN-FPA:3>5", 5800, 3, 30, None, 1, None),
    ("FIN", 1, "Certified Treasury Professional", "certification", "FIN-TRE:2>4", 6500, 3, 36, None, 0, None),
    ("FIN", 1, "International Tax Certificate", "certification", "FIN-TAX:2>4", 7500, 4, 30, None, 0, None),
    ("FIN", 2, "Treasury & Cash Management Foundations", "course", "FIN-TRE:0>3", 2000, 1, 20, None, 0, None),
    ("FIN", 2, "Tax Fundamentals", "course", "FIN-TAX:0>3", 1700, 1, 16, None, 0, None),
    ("TEC", 1, "Cloud Architecture Fundamentals", "course", "TEC-CLD:1>3", 2500, 1, 30, None, 0, None),
    ("TEC", 1, "Cloud Solutions Architect Professional Certification", "certification", "TEC-CLD:3>5", 4500, 2, 40, None, 0, None),
    ("TEC", 1, "Data Engineering Bootcamp", "course", "TEC-DAT:1>3", 3800, 2, 36, None, 0, None),
    ("TEC", 1, "Advanced Data Platform Engineering", "course", "TEC-DAT:3>4", 5200, 2, 32, None, 0, None),
    ("TEC", 1, "Certified Information Security Professional", "certification", "TEC-SEC:2>4", 6800, 3, 36, None, 1, None),
    ("TEC", 1, "Modern Software Architecture", "course", "TEC-SWE:3>4", 3900, 1, 30, None, 0, None),
    ("TEC", 2, "Cybersecurity Essentials", "course", "TEC-SEC:0>3", 1600, 1, 16, None, 0, None),
    ("TEC", 2, "Software Engineering Fundamentals", "course", "TEC-SWE:0>3", 2400, 2, 30, None, 0, None),
    ("OPS", 1, "Lean Manufacturing Foundations", "course", "OPS-LEN:0>3", 2000, 1, 24, None, 0, None),
    ("OPS", 1, "Lean Six Sigma Black Belt", "certification", "OPS-LEN:3>5 OPS-QUA:3>4", 8500, 3, 40, None, 0, None),
    ("OPS", 1, "Supply Chain Planning Essentials", "course", "OPS-SCP:0>3", 2200, 1, 24, None, 0, None),
    ("OPS", 1, "Certified Supply Chain Professional", "certification", "OPS-SCP:3>5", 7200, 3, 36, None, 0, None),
    ("OPS", 1, "Quality Management Systems (ISO 9001)", "course", "OPS-QUA:1>3", 1900, 1, 20, None, 0, None),
    ("OPS", 1, "Strategic Procurement & Negotiation", "course", "OPS-PRO:2>4 SAL-NEG:2>3", 4800, 2, 30, 4, 0, None),
    ("OPS", 1, "Stretch Assignment: Lead a Plant Improvement Programme", "stretch_assignment", "OPS-LEN:3>4 LDR-CHG:3>4", 5000, 3, 40, 1, 0, None),
    ("OPS", 2, "Procurement Fundamentals", "course", "OPS-PRO:0>3", 1800, 1, 20, None, 0, None),
    ("SAL", 1, "Key Account Management Programme", "course", "SAL-KAM:1>3", 2600, 1, 24, None, 0, None),
    ("SAL", 1, "Strategic Account Leadership", "course", "SAL-KAM:3>5", 5500, 2, 30, None, 1, 8),
    ("SAL", 1, "Pricing Strategy Masterclass", "course", "SAL-PRC:2>4", 4200, 1, 24, None, 0, None),
    ("SAL", 1, "Advanced Negotiation", "course", "SAL-NEG:3>4 LDR-STK:3>4", 3600, 1, 20, 4, 0, None),
    ("SAL", 1, "Digital Marketing Certificate", "certification", "SAL-DMK:2>4", 3000, 2, 30, None, 0, None),
    ("SAL", 2, "Pricing Fundamentals", "course", "SAL-PRC:0>3", 1500, 1, 16, None, 0, None),
    ("SAL", 2, "Consultative Selling", "course", "SAL-NEG:0>3 SAL-KAM:0>2", 2100, 1, 20, None, 0, None),
    ("SAL", 2, "Regional Sales Leadership Stretch", "stretch_assignment", "SAL-KAM:3>4 LDR-PPL:3>4", 4000, 2, 40, 1, 0, None),
    ("SAL", 2, "Advanced Digital Marketing Analytics", "course", "SAL-DMK:3>5", 4800, 2, 30, None, 0, None),
    ("PPL", 1, "Employment Law Essentials", "course", "PPL-LAW:0>3", 1700, 1, 16, None, 0, None),
    ("PPL", 1, "Certified Employment Law Specialist", "certification", "PPL-LAW:3>4", 5400, 3, 30, None, 0, None),
    ("PPL", 1, "Talent Acquisition Professional Certificate", "certification", "PPL-TAL:2>4", 3400, 2, 24, None, 0, None),
    ("PPL", 1, "Organisation Development Practitioner", "certification", "PPL-ODV:3>5", 6000, 3, 30, None, 0, None),
    ("PPL", 1, "Reward & Compensation Design", "course", "PPL-REW:1>3", 2300, 1, 20, None, 0, None),
    ("PPL", 1, "Advanced Reward Strategy", "course", "PPL-REW:3>4", 4000, 1, 24, None, 2, None),
    ("PPL", 2, "Talent Acquisition Foundations", "course", "PPL-TAL:0>3", 1500, 1, 16, None, 0, None),
    ("PPL", 2, "Organisation Development Foundations", "course", "PPL-ODV:0>3", 1900, 1, 20, None, 0, None),
    ("GM", 1, "Corporate Development & M&A Programme", "course", "GM-MNA:2>4", 5900, 2, 30, None, 2, None),
    ("GM", 1, "Board Governance Certificate", "certification", "GM-GOV:2>4", 4800, 2, 20, None, 0, None),
    ("GM", 2, "Strategy & Governance Foundations", "course", "GM-GOV:0>3 GM-MNA:0>2", 2500, 1, 20, None, 0, None),
    ("BUS", 2, "Project Management Professional", "certification", "BUS-PMO:2>4", 3800, 2, 32, None, 0, None),
    ("BUS", 2, "Data Literacy for Managers", "course", "BUS-DAT:0>3", 1500, 1, 12, None, 0, None),
    ("BUS", 2, "Agile Project Delivery", "course", "BUS-PMO:0>3", 1800, 1, 16, None, 0, None),
    ("ROT", 1, "Rotation: Finance Business Partner in Operations", "rotation", "OPS-SCP:1>3 LDR-COM:2>3", 7500, 3, 50, 2, 0, None),
    ("ROT", 1, "Rotation: Strategy Office", "rotation", "GM-MNA:1>3 LDR-STR:2>4", 9000, 4, 50, 1, 0, 6),
    ("ROT", 1, "Rotation: Commercial Excellence in Sales", "rotation", "SAL-KAM:1>3 LDR-COM:2>4", 6500, 3, 45, 2, 0, None),
    ("ROT", 2, "Rotation: Technology into Operations (Smart Factory)", "rotation", "OPS-LEN:1>3 LDR-STK:2>3", 6000, 2, 50, 1, 0, None),
    ("ROT", 2, "Rotation: HR Business Partner in the Business", "rotation", "LDR-COM:1>3 PPL-ODV:2>3", 5000, 2, 45, 1, 0, None),
)
SAMPLE_INTERVENTIONS = sum(1 for c in CATALOGUE if c[1] == 1)

# Further editions of courses and certifications when more interventions are asked for than the
# catalogue holds:
# (label, cost factor, extra quarters, hours factor, earliest shift).
EDITIONS = (("Online", 0.6, 1, 0.75, 0), ("Intensive", 1.25, -1, 1.4, 0), ("Autumn Cohort", 1.0, 0, 1.0, 2))


@dataclass(frozen=True)
class Profile:
    """How hard a generated organisation is to plan. ``standard`` is the bundled sample's; ``hard`` looks
    like a real organisation's succession problem (see the module docstring)."""

    name: str
    skill_shift: float = 0.45  # skill levels rise by this times the person's latent strength ...
    skill_offset: float = 0.0  # ... and by this for everyone (negative: fewer people ready now)
    senior_boost: int = 0  # levels added to two requirements of each critical role of grade 5 and 6, one of grade 4
    split_raises: bool = False  # raises of two levels or more that reach level 4 or 5 come in two parts
    seats_per_role: Optional[float] = None  # every intervention's seats per quarter ~ this x critical roles / interventions
    learning_hours: tuple[float, float] = (40.0, 11.0)  # mean and spread of learning hours per quarter
    spread_vacancies: bool = False  # vacancies spread evenly over the horizon instead of front-loaded
    budget_share: float = 0.5  # suggested budget = this share of the need (see suggested_budget)


PROFILES = {
    "standard": Profile("standard"),
    "hard": Profile("hard", skill_shift=0.35, skill_offset=-0.35, senior_boost=1, split_raises=True,
                    seats_per_role=0.5, learning_hours=(32.0, 10.0), spread_vacancies=True, budget_share=0.4),
}

FIRST_NAMES = (
    "Aisha Alejandro Amara Anders Andrea Anouk Arjun Astrid Bram Camille Carlos Chiara Chloe Daan Daniel "
    "Dmitri Elif Elena Emeka Emma Fatima Femke Finn Freya Gabriel Hannah Hiroshi Ines Ingrid Isabel Jakub "
    "Jan Jasper Julia Kai Karim Katarzyna Kofi Lars Laura Leila Lena Liam Lucas Lucia Maja Malik Marco "
    "Mariam Marta Mateo Maya Mehmet Mia Nadia Noah Nora Olga Omar Oskar Paula Pedro Priya Rafael Ravi "
    "Rosa Ruben Sakura Samir Sara Sebastian Sofia Sven Tariq Thomas Tomas Valentina Wei Yasmin Yusuf Zoe"
).split()
LAST_NAMES = (
    "Abara Adeyemi Alvarez Andersson Bakker Becker Bianchi Brandt Castillo Chen Costa Dubois Eriksen "
    "Fernandes Fischer Garcia Hansen Haddad Hoffmann Ibrahim Ivanova Jansen Jensen Kaya Kowalski Kumar "
    "Larsen Laurent Lindqvist Lopez Mahmoud Martin Meyer Moreau Mueller Nakamura Nguyen Nowak Okafor "
    "Olsen Park Patel Pereira Petrov Popescu Rahman Ricci Rossi Santos Schmidt Silva Singh Smit Sorensen "
    "Tanaka Torres Dijkstra Visser Wagner Walsh Weber Wojcik Yilmaz Zhang Zielinski"
).split()

# --------------------------------------------------------------------------------------------
# Building the tables.
# --------------------------------------------------------------------------------------------


def _largest_remainder(total: int, shares) -> np.ndarray:
    """Split ``total`` into integers proportional to ``shares``."""
    shares = np.asarray(shares, dtype=float)
    raw = total * shares / shares.sum()
    out = np.floor(raw).astype(int)
    out[np.argsort(-(raw - out), kind="stable")[: total - out.sum()]] += 1
    return out


def _required_level(grade: int, skills: list[str]) -> list[int]:
    """Required level of each skill of a role: the first (primary) skill asks one level more."""
    levels = []
    for i, s in enumerate(skills):
        table = LEAD_LEVEL if s.startswith("LDR-") else TECH_LEVEL
        levels.append(table[grade][0 if i == 0 else 1])
    return levels


def _critical_roles(n: int, rng: np.random.Generator, horizon: int, profile: Profile) -> pd.DataFrame:
    """The group's critical roles by priority, then divisional copies of all of them."""
    queues = {f: list(CRITICAL[f]) for f in FAMILY_CODES}
    group = []
    while any(queues.values()):  # round-robin over families keeps a small set balanced
        for f in FAMILY_CODES:
            if queues[f]:
                group.append((f, *queues[f].pop(0)))
    rows = []
    for i in range(n):
        f, code, title, grade, skills, location, unit = group[i % len(group)]
        copy = i // len(group)
        if copy:
            k = copy - 1
            unit = DIVISIONS[k][0] if k < len(DIVISIONS) else f"Business Unit {k + 1}"
            location = DIVISIONS[k % len(DIVISIONS)][1]
            code = f"{code}-{copy:02d}"
        rows.append(dict(role_id=f"R-{f}-{code}", title=f"{title}, {unit}" if unit else title, fcode=f,
                         level=grade, location=location, skills=skills.split()))
    roles = pd.DataFrame(rows)
    g = roles["level"].to_numpy()
    roles["critical"] = True
    crit = np.select(
        [g == 6, g == 5, g == 4],
        [np.full(n, 5), rng.choice([4, 5], n, p=[0.6, 0.4]), rng.choice([3, 4, 5], n, p=[0.35, 0.5, 0.15])],
        rng.choice([2, 3, 4], n, p=[0.3, 0.5, 0.2]),
    )
    roles["criticality"] = crit
    salary = pd.Series(g).map(SALARY).to_numpy()
    ext = salary * rng.uniform(0.45, 0.75, n) * (0.85 + 0.05 * crit)
    roles["external_hire_cost"] = np.clip(np.round(ext / 5000) * 5000, 40_000, 250_000).astype(float)

    # Vacancies: a few roles vacant now (never the C-suite), a couple urgent, a quarter within
    # a year, 40% in quarters 4-8, the rest with no known vacancy. Spread (the hard profile): the
    # vacant ones, then 85% of all roles falling vacant evenly over quarters 1 to the horizon's last.
    order = rng.permutation(n)
    n_vacant = max(1, round(0.06 * n))
    vacant = order[np.isin(order, np.flatnonzero(g < 6))][:n_vacant]
    rest = order[~np.isin(order, vacant)]
    if profile.spread_vacancies:
        quarter = np.full(n, -1)
        quarter[vacant] = 0
        later = rest[: max(0, round(0.85 * n) - len(vacant))]
        quarter[later] = rng.integers(1, horizon, len(later)) if horizon > 1 else 0
        roles["vacancy_quarter"] = pd.Series(quarter).where(quarter >= 0).astype("Int64")
        roles["vacant"] = np.isin(np.arange(n), vacant)
        return roles
    n_urgent = max(1, round(0.04 * n))
    n_soon = max(0, round(0.25 * n) - n_vacant - n_urgent)
    n_mid = round(0.40 * n)
    last = horizon - 1
    quarter = np.full(n, -1)
    quarter[vacant] = 0
    quarter[rest[:n_urgent]] = min(1, last)
    quarter[rest[n_urgent : n_urgent + n_soon]] = np.minimum(rng.integers(2, 4, n_soon), last)
    mid = rest[n_urgent + n_soon : n_urgent + n_soon + n_mid]
    quarter[mid] = np.minimum(rng.integers(4, 9, len(mid)), last)
    roles["vacancy_quarter"] = pd.Series(quarter).where(quarter >= 0).astype("Int64")
    roles["vacant"] = np.isin(np.arange(n), vacant)
    return roles


def _staff_roles() -> pd.DataFrame:
    rows = [
        dict(role_id=f"R-{f}-{code}", title=title, fcode=f, level=grade, location="", skills=skills.split())
        for f in FAMILY_CODES
        for code, title, grade, skills in STAFF[f]
    ]
    roles = pd.DataFrame(rows)
    g = roles["level"]
    roles["critical"] = False
    roles["criticality"] = np.select([g <= 2, g <= 4], [1, 2], 3)
    roles["external_hire_cost"] = (np.round(g.map(SALARY) * 0.25 / 1000) * 1000).astype(float)
    roles["vacancy_quarter"] = pd.array([pd.NA] * len(roles), dtype="Int64")
    roles["vacant"] = False
    return roles


def _headcount(n: int, critical: pd.DataFrame) -> np.ndarray:
    """Employees per (family, grade): the pyramid, with room for every critical incumbent."""
    grades = _largest_remainder(n, [GRADE_SHARE[g] for g in range(1, 7)])
    counts = np.stack([_largest_remainder(grades[g - 1], FAMILY_SHARE[g]) for g in range(1, 7)], axis=1)
    held = critical[~critical["vacant"]]
    incumbents = np.zeros_like(counts)
    np.add.at(incumbents, ([FAMILY_CODES.index(f) for f in held["fcode"]], held["level"].to_numpy() - 1), 1)
    counts = np.maximum(counts, incumbents)
    excess = counts.sum() - n
    while excess > 0:  # take the extra room for incumbents from the largest junior cells
        f = int(np.argmax(counts[:, 0] - incumbents[:, 0]))
        take = min(excess, counts[f, 0] - incumbents[f, 0])
        counts[f, 0] -= take
        excess -= take
    return counts


def _people(roles: pd.DataFrame, counts: np.ndarray, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Assign each employee a role; returns (employees with helper columns, roles actually held)."""
    holders = []  # role index per employee
    keep = np.zeros(len(roles), dtype=bool)
    for fi, f in enumerate(FAMILY_CODES):
        for g in range(1, 7):
            cell = (roles["fcode"] == f) & (roles["level"] == g)
            held = np.flatnonzero(cell & roles["critical"] & ~roles["vacant"])
            staff = np.flatnonzero(cell & ~roles["critical"])
            rest = counts[fi, g - 1] - len(held)
            holders.append(held)
            keep[np.flatnonzero(cell & roles["critical"])] = True
            if rest > 0:
                weights = np.r_[1.8, np.ones(len(staff) - 1)]
                per_role = rng.multinomial(rest, weights / weights.sum())
                holders.append(np.repeat(staff, per_role))
                keep[staff[per_role > 0]] = True
    role_of = rng.permutation(np.concatenate(holders))
    n = len(role_of)
    width = max(5, len(str(n)))
    emp = pd.DataFrame({"employee_id": pd.Series(np.arange(1, n + 1)).astype(str).str.zfill(width).radd("E")})
    emp["role_idx"] = role_of
    return emp, roles.loc[keep]


def _employees(emp: pd.DataFrame, roles: pd.DataFrame, rng: np.random.Generator, profile: Profile) -> pd.DataFrame:
    n = len(emp)
    r = roles.loc[emp["role_idx"]]
    grade = r["level"].to_numpy()
    fam = pd.Index(FAMILY_CODES).get_indexer(r["fcode"])
    names = rng.choice(len(FIRST_NAMES) * len(LAST_NAMES), size=n, replace=n > len(FIRST_NAMES) * len(LAST_NAMES))
    first = np.array(FIRST_NAMES)[names // len(LAST_NAMES)]
    last = np.array(LAST_NAMES)[names % len(LAST_NAMES)]
    emp["name"] = pd.Series(first, dtype=str) + " " + pd.Series(last, dtype=str)
    emp["role_id"] = r["role_id"].to_numpy()
    emp["department"] = np.array([f[2] for f in FAMILIES], dtype=object)[fam]
    site = np.empty(n, dtype=object)
    for fi, (_, _, _, cities) in enumerate(FAMILIES):  # the main site is twice as likely as the others
        weights = np.r_[2.0, np.ones(len(cities) - 1)]
        site[fam == fi] = rng.choice(cities, int((fam == fi).sum()), p=weights / weights.sum())
    emp["location"] = np.where(r["critical"].to_numpy(), r["location"].to_numpy(), site)

    # One latent strength drives skills, performance and potential; the senior have been selected on it.
    strength = rng.standard_normal(n) + 0.1 * (grade - 1) + 0.5 * r["critical"].to_numpy()
    perf_latent = 0.7 * strength + 0.71 * rng.standard_normal(n)
    emp["performance"] = 1 + np.digitize(perf_latent, [-1.751, -0.842, 0.524, 1.555])  # 4/16/50/24/6 %
    pot_latent = 0.6 * perf_latent + 0.8 * rng.standard_normal(n)
    emp["potential"] = 1 + np.digitize(pot_latent, [-0.524, 0.842])  # 30/50/20 %
    risk = 0.03 + rng.gamma(2.0, 0.04, n) + 0.04 * (emp["potential"] == 3) + 0.05 * (emp["performance"] <= 2)
    emp["flight_risk"] = np.clip(risk, 0.02, 0.35).round(2)
    hours = np.clip(np.round(rng.normal(*profile.learning_hours, n) / 4) * 4, 16, 72)
    emp["learning_hours_per_quarter"] = np.where(rng.random(n) < 0.03, 0.0, hours)
    emp["open_to_move"] = rng.random(n) < 0.85
    emp["aspirations"] = _aspirations(grade, fam, roles, rng)
    emp["strength"] = strength
    emp["grade"] = grade
    emp["fam"] = fam
    return emp


def _aspirations(grade: np.ndarray, fam: np.ndarray, roles: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """About 30% name a family (another one) or a critical role a grade up; a few name both."""
    n = len(grade)
    out = np.full(n, "", dtype=object)
    aspire = rng.random(n) < 0.30
    kind = rng.random(n)  # < 0.55 family, < 0.85 role, else both
    other = (fam + 1 + rng.integers(0, len(FAMILIES) - 1, n)) % len(FAMILIES)
    aspire &= np.isin(np.array(FAMILY_CODES)[other], roles["fcode"].unique())  # a family the organisation has
    family_token = np.array([f[1] for f in FAMILIES], dtype=object)[other]
    critical = roles[roles["critical"]]
    role_token = np.full(n, "", dtype=object)
    target = np.clip(grade + 1, 3, 6)
    for g in range(3, 7):
        pool = critical.loc[critical["level"] == g, "role_id"].to_numpy()
        for fi, f in enumerate(FAMILY_CODES):
            own = critical.loc[(critical["level"] == g) & (critical["fcode"] == f), "role_id"].to_numpy()
            choices = own if len(own) else pool
            who = np.flatnonzero((target == g) & (fam == fi))
            if len(choices) and len(who):
                role_token[who] = rng.choice(choices, len(who))
    has_role = role_token != ""
    out[aspire & (kind < 0.55)] = family_token[aspire & (kind < 0.55)]
    by_role = aspire & (kind >= 0.55) & has_role
    out[by_role] = role_token[by_role]
    both = aspire & (kind >= 0.85) & has_role
    out[both] = family_token[both] + ";" + role_token[both]
    return out


def _requirements(roles: pd.DataFrame, profile: Profile, effects: pd.DataFrame) -> pd.DataFrame:
    """Each role's required levels; a profile's ``senior_boost`` raises the first two requirements of
    critical roles of grade 5 and 6 and the first of grade 4, never past the highest level the
    organisation's catalogue (``effects``) trains the skill to, so that no raise makes a requirement
    unreachable by development."""
    trainable = effects.groupby("skill_id")["to_level"].max().to_dict()
    rows = []
    for role_id, grade, skills, critical in zip(roles["role_id"], roles["level"], roles["skills"], roles["critical"]):
        raised = (2 if grade >= 5 else 1 if grade == 4 else 0) if critical else 0
        for i, (s, lv) in enumerate(zip(skills, _required_level(grade, skills))):
            if i < raised:
                lv = max(lv, min(lv + profile.senior_boost, int(trainable.get(f"S-{s}", lv))))
            rows.append((role_id, f"S-{s}", lv))
    return pd.DataFrame(rows, columns=["role_id", "skill_id", "level"])


def _profiles(roles: pd.DataFrame) -> np.ndarray:
    """Expected skill levels (roles x skills) of someone settled in each role."""
    codes = [s[0] for s in SKILLS]
    prof = np.zeros((len(roles), len(codes)))
    family_of_skill = np.array([c.split("-")[0] for c in codes])
    for i, (f, grade, skills) in enumerate(zip(roles["fcode"], roles["level"], roles["skills"])):
        prof[i, family_of_skill == f] = TECH_LEVEL[grade][1]
        prof[i, family_of_skill == "LDR"] = LEAD_BACKGROUND[grade]
        prof[i, family_of_skill == "BUS"] = 1
        for s, lv in zip(skills, _required_level(grade, skills)):
            prof[i, codes.index(s)] = lv
    return prof


def _employee_skills(emp: pd.DataFrame, roles: pd.DataFrame, rng: np.random.Generator, profile: Profile) -> pd.DataFrame:
    """Levels around the current role's profile (strength + noise). A row for each level above 0, and
    for the few expected skills (profile >= 2) assessed at 0; a missing row means level 0."""
    n, codes = len(emp), [s[0] for s in SKILLS]
    prof = _profiles(roles)[roles.index.get_indexer(emp["role_idx"])]
    # 15% bring a second family's technical background (level ~2) from an earlier job.
    background = np.where(rng.random(n) < 0.15, (emp["fam"].to_numpy() + 1 + rng.integers(0, 5, n)) % len(FAMILIES), -1)
    family_of_skill = np.array([FAMILY_CODES.index(c.split("-")[0]) if c.split("-")[0] in FAMILY_CODES else -2 for c in codes])
    prof = np.where((family_of_skill[None, :] == background[:, None]) & (prof == 0), 2.0, prof)
    shift = profile.skill_shift * emp["strength"].to_numpy() + profile.skill_offset
    level = np.clip(np.rint(prof + shift[:, None] + rng.normal(0, 0.5, prof.shape)), 0, 5).astype(int) * (prof > 0)
    e_idx, s_idx = np.nonzero((level > 0) | (prof >= 2))
    return pd.DataFrame({
        "employee_id": emp["employee_id"].to_numpy()[e_idx],
        "skill_id": np.array([f"S-{c}" for c in codes], dtype=object)[s_idx],
        "level": level[e_idx, s_idx],
    })


def _split(entry: tuple) -> list[tuple]:
    """A catalogue entry as the hard profile offers it: a raise of two levels or more that reaches
    level 4 or 5 comes in two parts, the second of which needs the first's level (a prerequisite);
    its other effects stay with the second part. Part 1 costs half, part 2 seven tenths of the whole."""
    code, tier, name, kind, effects, cost, dur, hours, seats, early, late = entry
    tokens = effects.split()
    for i, token in enumerate(tokens):
        skill, span = token.split(":")
        lo, hi = map(int, span.split(">"))
        if hi - lo >= 2 and hi >= 4:
            first = f"{skill}:{lo}>{hi - 1}"
            second = " ".join(f"{skill}:{hi - 1}>{hi}" if j == i else t for j, t in enumerate(tokens))
            price = lambda f: float(round(cost * f / 50) * 50)  # noqa: E731
            return [(code, tier, f"{name}: Part 1", kind, first, price(0.5), max(1, (dur + 1) // 2), hours, seats, early, late),
                    (code, tier, f"{name}: Part 2", kind, second, price(0.7), max(1, dur // 2), hours, seats, early,
                     late)]
    return [entry]


def _interventions(n: int, rng: np.random.Generator, horizon: int, profile: Profile,
                   n_critical: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The first ``n`` of: the core catalogue, the extended one, then further editions of their courses.
    Under a profile that splits raises, the two parts of an entry are taken together or not at all."""
    groups = [_split(e) if profile.split_raises else [e] for e in CATALOGUE]
    numbered, counter = [], {}
    for group in groups:  # IDs are fixed per catalogue entry
        numbered.append([])
        for entry in group:
            counter[entry[0]] = counter.get(entry[0], 0) + 1
            numbered[-1].append((f"I-{entry[0]}-{100 + counter[entry[0]]}", *entry))
    # Tier first, then round-robin over the codes, so that a short catalogue stays balanced.
    turn, seen = [], {}
    for g in numbered:
        key = (g[0][1], g[0][2])
        turn.append(seen.get(key, 0))
        seen[key] = turn[-1] + 1
    order = sorted(range(len(numbered)), key=lambda p: (numbered[p][0][2], turn[p], p))
    taken, size = [], 0
    for p in order:
        if size + len(numbered[p]) <= n:
            taken.append(p)
            size += len(numbered[p])
    chosen = [e for p in order for e in numbered[p]]
    rows = [(iid, name, kind, effects, cost, dur, hours, seats, early, late)
            for iid, _, _, name, kind, effects, cost, dur, hours, seats, early, late
            in (e for p in sorted(taken) for e in numbered[p])]  # listed in catalogue order
    editable = [e for e in chosen if e[4] in ("course", "certification")]
    round_ = 0
    while len(rows) < n:
        label, cost_f, extra, hours_f, shift = EDITIONS[round_ % len(EDITIONS)]
        if round_ >= len(EDITIONS):
            label += f" {round_ // len(EDITIONS) + 1}"
        for _, code, _, name, kind, effects, cost, dur, hours, seats, early, late in editable:
            if len(rows) >= n:
                break
            counter[code] += 1
            jitter = rng.uniform(0.9, 1.1)
            rows.append((f"I-{code}-{100 + counter[code]}", f"{name} ({label})", kind, effects,
                         round(cost * cost_f * jitter / 50) * 50, int(np.clip(dur + extra, 1, 4)),
                         min(80, round(hours * hours_f)), seats, early + shift, None if late is None else late + shift))
        round_ += 1
    if profile.seats_per_role is not None:  # every intervention's seats bind, scaled with the roles to fill
        cap = max(1, round(profile.seats_per_role * n_critical / n))
        rows = [(*r[:7], cap if r[7] is None else min(r[7], cap), *r[8:]) for r in rows]
    frame = pd.DataFrame(rows, columns=["intervention_id", "name", "kind", "effects", "cost", "duration_quarters",
                                        "hours_per_quarter", "seats_per_quarter", "earliest_start_quarter",
                                        "latest_start_quarter"])
    frame["cost"] = frame["cost"].astype(float)
    frame["hours_per_quarter"] = frame["hours_per_quarter"].astype(float)
    frame["earliest_start_quarter"] = np.minimum(frame["earliest_start_quarter"], horizon - 1)
    for c in ("seats_per_quarter", "latest_start_quarter"):
        frame[c] = pd.array(frame[c].tolist(), dtype="Int64")
    effects = [
        (iid, f"S-{token.split(':')[0]}", *map(int, token.split(":")[1].split(">")))
        for iid, text in zip(frame["intervention_id"], frame["effects"])
        for token in text.split()
    ]
    return (frame.drop(columns="effects"),
            pd.DataFrame(effects, columns=["intervention_id", "skill_id", "min_level", "to_level"]))


def generate_organisation(
    n_employees: int, n_critical_roles: int, n_interventions: int, seed: int = 0, horizon_quarters: int = 12,
    profile: str | Profile = "standard", workforce: bool = False,
) -> dict[str, pd.DataFrame]:
    """A synthetic organisation: table name -> DataFrame with the columns of its row model in
    ``planner.contract.domain`` (of the optional ones, only employees' ``aspirations``), ready for
    ``planner.inputs.checks.build_organisation``. Needs at least 4 employees per critical role.
    ``profile``: ``"standard"`` (the sample's), ``"hard"`` or a :class:`Profile`. ``workforce`` adds the
    workforce tables and employees' ``fte`` and ``retirement_quarter`` (:func:`workforce_tables`)."""
    profile = _profile(profile)
    if n_critical_roles < 1 or n_interventions < 1 or horizon_quarters < 1:
        raise ValueError("n_critical_roles, n_interventions and horizon_quarters must be at least 1")
    if n_employees < 4 * n_critical_roles:
        raise ValueError(f"{n_employees} employees are too few for {n_critical_roles} critical roles (need 4 per role)")
    rng = np.random.default_rng(seed)
    critical = _critical_roles(n_critical_roles, rng, horizon_quarters, profile)
    roles = pd.concat([critical, _staff_roles()], ignore_index=True)
    emp, roles = _people(roles, _headcount(n_employees, critical), rng)
    emp = _employees(emp, roles, rng, profile)
    skills = _employee_skills(emp, roles, rng, profile)

    holder = emp[roles.loc[emp["role_idx"], "critical"].to_numpy()]
    roles = roles.assign(
        family=[FAMILIES[FAMILY_CODES.index(f)][1] for f in roles["fcode"]],
        department=[FAMILIES[FAMILY_CODES.index(f)][2] for f in roles["fcode"]],
        incumbent_id=roles["role_id"].map(dict(zip(holder["role_id"], holder["employee_id"]))).astype(object),
    )
    roles["incumbent_id"] = roles["incumbent_id"].where(roles["incumbent_id"].notna(), None)
    roles = roles.sort_values(["fcode", "level", "critical", "role_id"], ascending=[True, False, False, True],
                              key=lambda c: c.map(FAMILY_CODES.index) if c.name == "fcode" else c)
    interventions, effects = _interventions(n_interventions, rng, horizon_quarters, profile, n_critical_roles)
    frames = {
        "skills": pd.DataFrame([(f"S-{c}", name, cat) for c, name, cat in SKILLS], columns=["skill_id", "name", "category"]),
        "employees": emp,
        "employee_skills": skills,
        "roles": roles,
        "role_requirements": _requirements(roles, profile, effects),
        "interventions": interventions,
        "intervention_effects": effects,
        "family_moves": pd.DataFrame(
            [m for m in FAMILY_MOVES if set(m) <= set(roles["family"])], columns=["from_family", "to_family"]
        ),
    }
    if workforce:
        frames.update(workforce_tables(frames, seed, horizon_quarters))
    return {name: frames[name][_columns(name, frames[name])].reset_index(drop=True) for name in TABLES if name in frames}


# Quarterly growth of demand by family in the generated workforce tables: Technology grows, Operations
# automates, the rest holds.
WORKFORCE_GROWTH = {"Technology": 0.02, "Operations": -0.01}


def workforce_tables(frames: Mapping[str, pd.DataFrame], seed: int, horizon_quarters: int) -> dict[str, pd.DataFrame]:
    """Workforce tables for a generated organisation, from its own random stream (the other tables do not
    change): a category per family and grade with people; loaded cost rising 35% a grade; demand that
    grows in Technology and shrinks in Operations; promotions up each ladder (at most 8% of a grade a
    quarter), lateral moves where family_moves allow, retraining from Operations into Technology through
    a Technology course, downgrades in Operations (half of those downgraded leave instead); a quarter
    of the grade-3+ people rated potential 1 (late in their careers) retiring in the horizon, and 8%
    part-timers. Adds ``fte`` and ``retirement_quarter``
    to a copy of employees."""
    rng = np.random.default_rng(seed + 7_919)
    roles, emp = frames["roles"], frames["employees"].copy()
    grade_of = dict(zip(roles["role_id"], roles["level"]))
    family_of = dict(zip(roles["role_id"], roles["family"]))
    grades = emp["role_id"].map(grade_of).to_numpy()
    emp["fte"] = np.where(rng.random(len(emp)) < 0.08, rng.choice([0.5, 0.6, 0.8], len(emp)), 1.0)
    potential = emp["potential"].to_numpy()
    retiring = (grades >= 3) & (potential == 1) & (rng.random(len(emp)) < 0.25)
    emp["retirement_quarter"] = pd.array(np.where(retiring, rng.integers(1, horizon_quarters, len(emp)), -1), dtype="Int64")
    emp.loc[~retiring, "retirement_quarter"] = pd.NA
    heads = emp.assign(family=emp["role_id"].map(family_of), grade=grades).groupby(["family", "grade"])["fte"].sum()
    rows, demand = [], []
    for (family, grade), fte in heads.items():
        category = f"{family}/{grade}"
        loaded = round(15_000 * 1.35 ** (grade - 1), -2)
        rows.append(dict(category=category, loaded_cost=loaded, hire_cost=round(loaded * 1.2, -2),
                         time_to_hire=1 if grade <= 2 else 2 if grade <= 4 else 3,
                         hire_cap=float(max(1, round(0.15 * fte))) if grade <= 3 else 1.0,
                         redundancy_cost=2 * loaded, overstaffing_cost=round(0.1 * loaded, -2),
                         short_time_cost=round(0.2 * loaded, -2), short_time_cap=float(round(0.1 * fte)) if grade <= 2 else 0.0,
                         short_time_productivity=0.5))
        growth = WORKFORCE_GROWTH.get(family, 0.0)
        for q in range(0, horizon_quarters, 4):
            demand.append(dict(category=category, quarter=q, fte=round(float(fte) * (1 + growth) ** q, 1)))
    costs = pd.DataFrame(rows)
    known = set(costs["category"])
    moves = []
    for (family, grade) in heads.index:
        up = f"{family}/{grade + 1}"
        if up in known:
            moves.append(dict(from_category=f"{family}/{grade}", to_category=up, kind="promotion", cost=1_000.0, cap_share=0.08))
    for a, b in frames.get("family_moves", pd.DataFrame(columns=["from_family", "to_family"])).itertuples(index=False):
        for grade in (2, 3):
            if f"{a}/{grade}" in known and f"{b}/{grade}" in known:
                moves.append(dict(from_category=f"{a}/{grade}", to_category=f"{b}/{grade}", kind="lateral", cost=2_000.0, cap=1.0))
    tech = [i for i in frames["interventions"]["intervention_id"] if str(i).startswith("I-TEC-")]
    if tech and "Operations/1" in known and "Technology/1" in known:
        moves.append(dict(from_category="Operations/1", to_category="Technology/1", kind="retraining", cost=1_000.0, cap=3.0,
                          intervention_id=tech[0]))
    for grade in (2, 3):
        if f"Operations/{grade}" in known and f"Operations/{grade - 1}" in known:
            moves.append(dict(from_category=f"Operations/{grade}", to_category=f"Operations/{grade - 1}", kind="downgrade",
                              attrition=0.5))
    move_columns = ["from_category", "to_category", "kind", "cost", "cap", "cap_share", "intervention_id", "attrition"]
    return {"employees": emp, "workforce_costs": costs, "workforce_demand": pd.DataFrame(demand),
            "workforce_moves": pd.DataFrame(moves).reindex(columns=move_columns)}


def _profile(profile: str | Profile) -> Profile:
    if isinstance(profile, Profile):
        return profile
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}: use one of {', '.join(PROFILES)}")
    return PROFILES[profile]


def _columns(table: str, frame: pd.DataFrame) -> list[str]:
    """The row model's columns in contract order: every required one, and the optional ones generated."""
    fields = TABLES[table].row_model.model_fields
    return [c for c, f in fields.items() if f.is_required() or c in frame.columns]


# --------------------------------------------------------------------------------------------
# Budget, files and the command line.
# --------------------------------------------------------------------------------------------


def _cheapest_raise(skills: list[str], effects: pd.DataFrame, costs: Mapping[str, float]) -> np.ndarray:
    """cost[s, a, b]: cheapest chain of interventions taking skill s from level a to at least b
    (inf if the catalogue cannot; 0 when a >= b). Each effect is priced at its intervention's full cost."""
    index = {s: i for i, s in enumerate(skills)}
    cost = np.full((len(skills), 6, 6), np.inf)
    by_skill: dict[int, list[tuple[int, int, float]]] = {}
    for i, s, lo, hi in zip(effects["intervention_id"], effects["skill_id"], effects["min_level"], effects["to_level"]):
        by_skill.setdefault(index[s], []).append((int(lo), int(hi), float(costs[i])))
    for s in range(len(skills)):
        for a in range(6):
            best = np.full(6, np.inf)
            best[a] = 0.0
            for _ in range(6):  # levels only rise, so six relaxation rounds settle every chain
                for lo, hi, c in by_skill.get(s, ()):
                    best[hi] = min(best[hi], best[lo:hi].min() + c)
            cost[s, a] = np.minimum.accumulate(best[::-1])[::-1]  # "at least b"
    return cost


def suggested_budget(frames: Mapping[str, pd.DataFrame], share: float = 0.5) -> float:
    """A training budget that covers ``share`` of the need (half by default), so a plan has to choose.

    For each critical role, the cheapest development of one good candidate who is not ready yet:
    open to move, performance >= 3, not the incumbent, at the role's grade or one below, from the
    role's family or a family that feeds it; priced by the catalogue's cheapest intervention chains,
    ignoring timing, seats and hours. ``share`` of the sum over roles, rounded to two significant figures.
    """
    roles, emp, es = frames["roles"], frames["employees"], frames["employee_skills"]
    skills = pd.Index(frames["skills"]["skill_id"])
    costs = dict(zip(frames["interventions"]["intervention_id"], frames["interventions"]["cost"].astype(float)))
    raise_cost = _cheapest_raise(list(skills), frames["intervention_effects"], costs)

    level = np.zeros((len(emp), len(skills)), dtype=int)
    employees = pd.Index(emp["employee_id"])
    level[employees.get_indexer(es["employee_id"]), skills.get_indexer(es["skill_id"])] = es["level"].astype(int)
    own = roles.set_index("role_id").loc[emp["role_id"], ["family", "level"]].reset_index(drop=True)
    good = emp["open_to_move"].astype(bool).to_numpy() & (emp["performance"].astype(int) >= 3).to_numpy()
    pools = {key: idx.to_numpy() for key, idx in own[good].groupby(["family", "level"]).groups.items()}
    moves = frames.get("family_moves")
    feeds = {} if moves is None else moves.groupby("to_family")["from_family"].agg(list).to_dict()
    reqs = {r: (skills.get_indexer(g["skill_id"]), g["level"].astype(int).to_numpy())
            for r, g in frames["role_requirements"].groupby("role_id")}
    total = 0.0
    for role in roles[roles["critical"].astype(bool)].itertuples(index=False):
        pool = np.concatenate([pools.get((f, g), np.zeros(0, int)) for f in [role.family, *feeds.get(role.family, [])]
                               for g in (role.level - 1, role.level)])
        pool = pool[pool != employees.get_indexer([role.incumbent_id])[0]]
        if role.role_id not in reqs or not len(pool):
            continue
        s, req = reqs[role.role_id]
        need = raise_cost[s[None, :], level[np.ix_(pool, s)], req[None, :]].sum(axis=1)
        need = need[np.isfinite(need) & (need > 0)]
        total += need.min() if len(need) else 0.0
    part = total * share
    if part <= 0:
        return 0.0
    step = 10 ** (math.floor(math.log10(part)) - 1)
    return float(round(part / step) * step)


def make_sample(out_dir: str | Path = "data/sample", force: bool = False) -> Path:
    """Write the bundled sample dataset (its fixed sizes and seed; floats spelled to 10 significant digits);
    ``force`` as in planner.inputs.files.write_dataset."""
    from planner.inputs.files import write_dataset

    frames = generate_organisation(SAMPLE_EMPLOYEES, SAMPLE_CRITICAL_ROLES, SAMPLE_INTERVENTIONS, seed=SAMPLE_SEED,
                                   workforce=True)
    return write_dataset(frames, out_dir, float_format="%.10g", force=force)
