"""``ivr voices render MENU``: render every prompt of a menu to audio, once.

Prompts are rendered with espeak-ng (through pyttsx3) in each of the
hotline's languages, plus the prompt prefixes that time when each option is
heard. Renderings are cached by (text, language, voice, rate) under
``IVR_VOICE_CACHE`` (default ``~/.cache/ivr/voices``): a second run renders
nothing.
"""

from __future__ import annotations

import sys

import click

from ivr.commands.common import echo, load_or_exit, menu_paths

PROGRESS_FROM = 12  # show a progress bar when at least this many renderings are missing


@click.group()
def voices() -> None:
    """Prompt audio: render a menu's prompts with espeak-ng into the voice cache."""


@voices.command()
@click.argument("menus", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "--cache",
    type=click.Path(file_okay=False),
    envvar="IVR_VOICE_CACHE",
    help="Cache folder (default: $IVR_VOICE_CACHE or ~/.cache/ivr/voices).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary of each menu.")
def render(menus: tuple[str, ...], cache: str | None, quiet: bool) -> None:
    """Render the prompts of MENUS (files or folders) to WAV; print what was rendered."""
    from voices.timing import render_jobs
    from voices.tts import SpeechError, VoiceCache

    store = VoiceCache(cache)
    for path in menu_paths(menus):
        menu = load_or_exit(path)
        jobs = render_jobs(menu)
        results = []
        try:
            missing = sum(1 for job in jobs if store.cached(job.text, job.settings) is None)
            if missing >= PROGRESS_FROM:
                with click.progressbar(
                    jobs,
                    label=f"{path}: rendering",
                    file=sys.stderr,
                    item_show_func=lambda job: job.label if job else "",
                ) as bar:
                    results = [store.render(job.text, job.settings) for job in bar]
            else:
                results = [store.render(job.text, job.settings) for job in jobs]
        except SpeechError as exc:
            raise click.ClickException(str(exc)) from exc
        fresh = [(job, r) for job, r in zip(jobs, results, strict=True) if r.fresh]
        if not quiet:
            for job, rendering in fresh:
                echo(f"  rendered {job.label}: {rendering.seconds:.1f} s  {_short(job.text)}")
        new_seconds = sum(r.seconds for _, r in fresh)
        old_seconds = sum(r.seconds for r in results if not r.fresh)
        echo(
            f"{path}: rendered {len(fresh)} of {len(jobs)} ({new_seconds:.1f} s of "
            f"audio), {len(jobs) - len(fresh)} already cached ({old_seconds:.1f} s); "
            f"cache {store.root}"
        )


def _short(text: str, width: int = 60) -> str:
    return f'"{text}"' if len(text) <= width else f'"{text[: width - 1]}…"'
