"""The extraction assistant: reads a text and proposes every figure it states, each tied to the characters it came
from, for a person to accept, correct or reject.

numbers/hedges (value, bounds, qualifier), metrics/counting (what is counted), places (gazetteer and place
phrases), dates (periods resolved against the published date), sources (attribution), candidates (assembly),
evaluation (scoring against annotated texts).
"""
