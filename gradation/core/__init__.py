"""The pure core: model types, conditions, answers, decision, matching, proofs.

No I/O, no terminal: callers pass data in and get data back."""
