"""US dry needling law: a sourced, dated knowledge base and the eligibility rule built on it."""
