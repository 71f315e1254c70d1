"""Date formats per language (FORMAT_MODULE_PATH). Templates name a format, never a pattern.

English keeps the day-month-year order the RCM's documents use (not Django's US default); Spanish
uses the usual "2 de diciembre de 2026". Month names come from Django's own translations.
"""
