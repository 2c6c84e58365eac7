"""Converters from ``annotator.v1`` records to other tools' formats.

Each takes the stream of records from ``records.iter_records`` and writes one
output; none holds more than one record (or, for spaCy, one batch) in memory.
"""
