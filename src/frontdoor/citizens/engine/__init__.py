"""The CRM's pure parts: normalising names and identifiers, phonetic codes, edit distance,
nicknames, parsing a search box's text and ranking candidates. Functions of values; no Django,
no ORM.
"""
