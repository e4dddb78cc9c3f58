"""Speech for the simulator: prompts rendered to audio, callers heard by vosk.

- ``voices.tts``: prompts to WAV with pyttsx3 (espeak-ng), in a content-addressed cache.
- ``voices.timing``: seconds of rendered prompts and where each option is heard.
- ``voices.audio``: caller audio read, checked and converted to 16 kHz mono.
- ``voices.asr``: vosk recognition restricted to the grammar of one menu.
"""
