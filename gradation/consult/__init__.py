"""The consultation: the interview logic, the questionary prompts, the session."""
