"""Scoring: segmentation, term accuracy, BLEU/chrF/TER, comparisons and reports."""
