"""The auditor: timing model, queue maths, metrics, rules and reports."""
