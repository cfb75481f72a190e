"""The CP-SAT solver: variables, rules as constraints, model building, solve orchestration and the one-person warm-start models."""
