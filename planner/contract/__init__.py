"""The data contract: pydantic models of the organisation's tables, the scenario and the plan, and the error type. Imports nothing else of the planner."""
