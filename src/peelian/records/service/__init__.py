"""The rules of the records domain; services never commit (the caller's unit of work does)."""
