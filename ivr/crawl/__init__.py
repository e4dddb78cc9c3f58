"""Discovering the menu behind a live TwiML webhook (``ivr crawl URL``).

``crawler`` explores the line breadth-first, one TwiML document at a time, as
Twilio would call it (``ivr.twiml_caller``), and turns what it finds into our
menu format; ``menu_yaml`` writes that as commented YAML, so every audit rule,
the phone and the path tests apply to a crawled line.
"""
