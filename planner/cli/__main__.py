from planner.cli import app

app()
