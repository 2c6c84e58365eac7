"""Converters from ``annotator.v2`` records to other tools' formats.

Each takes the stream of records from ``export.reader`` (as dicts) and writes
one output. The line formats and hf hold one record at a time; a spaCy DocBin holds all of
its docs until it is written, so a spaCy export's memory grows with its size.
"""
