"""Readers for the files people have: IATI activity XML (:mod:`~aidtrack.files.iati`), OCHA FTS flows."""
