"""``ivr audit PATH...``: depth, time-to-human and findings of menus, in six formats."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from audit.config import ConfigError, load_config
from audit.reports import FORMATS
from audit.run import MenuAudit, audit_menu
from ivr.commands.common import echo, menu_paths
from ivr.loader import check_menu, load_menu
from ivr.model import Menu
from ivr.timing import (
    BUILT_IN_SOURCES,
    EstimatedTimer,
    PromptTimer,
    relative_change,
    timer_for,
    timing_sources,
)
from ivr.yamlsource import paused_gc

HUMAN_FORMATS = ("text", "markdown")
URL_SCHEMES = ("http://", "https://")


def _known_timing(param: click.Parameter, value: str) -> str:
    """``value`` when it names a timing source; the installed plugins are looked up only for
    a name that is not built in (the look-up reads every package's metadata)."""
    if value in BUILT_IN_SOURCES or value in timing_sources():
        return value
    choices = ", ".join(repr(name) for name in timing_sources())
    raise click.BadParameter(f"{value!r} is not one of {choices}.", param=param)


def _codes(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(code.strip() for value in values for code in value.split(",") if code.strip())


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    help="Write the report to this file instead of standard output.",
)
@click.option(
    "--baseline",
    type=click.Path(exists=True, dir_okay=False),
    help="An older menu (YAML) or JSON report: print how the figures changed.",
)
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too, not only on errors.")
@click.option(
    "--select",
    multiple=True,
    metavar="CODES",
    help="Run only rules whose code starts with these (e.g. IVR1,IVR201).",
)
@click.option(
    "--ignore",
    multiple=True,
    metavar="CODES",
    help="Skip rules whose code starts with these (e.g. IVR302).",
)
@click.option(
    "--config",
    "config_spec",
    default="default",
    show_default=True,
    metavar="PRESET|FILE",
    help="Preset (default, strict) or a YAML config file.",
)
@click.option(
    "--timing",
    default="estimate",
    show_default=True,
    metavar="SOURCE",
    callback=lambda _ctx, param, value: _known_timing(param, value),
    help="Where prompt durations come from: estimate (from the text), tts (rendered "
    "espeak-ng audio), or another installed ivr.timing_sources plugin.",
)
def audit(paths: tuple[str, ...], **options: Any) -> None:
    """Audit menus (folders: every *.yaml and *.yml in them): depth, time to a person, findings.

    A PATH that is an http:// or https:// URL is a live TwiML webhook: it is
    crawled first (as `ivr crawl URL` does) and the line found is audited.

    Exits 1 when a finding is an error (with --strict: a warning too), or a menu
    cannot be loaded; 2 when no menu file is found.
    """
    if not any(path.startswith(URL_SCHEMES) for path in paths):
        _audit(_local_paths(paths, None), **options)
        return
    import tempfile  # only to crawl a live webhook: the crawler and its folder cost a start-up

    with tempfile.TemporaryDirectory(prefix="ivr-crawl-") as crawled:
        _audit(_local_paths(paths, Path(crawled)), **options)


def _local_paths(paths: tuple[str, ...], folder: Path | None) -> tuple[str, ...]:
    """``paths`` with every URL crawled into a menu file in ``folder`` (given when a path is
    a URL); other paths must exist."""
    local = []
    for number, path in enumerate(paths, 1):
        if path.startswith(URL_SCHEMES):
            from ivr.commands.crawl import crawl_line

            assert folder is not None, "audit() gives a folder whenever a path is a URL"

            menu = folder / f"crawled-{number}.yaml"
            menu.write_text(
                crawl_line(
                    path, auth_token=os.environ.get("IVR_TWILIO_AUTH_TOKEN"), menu_file=menu
                ),
                encoding="utf-8",
            )
            local.append(str(menu))
        elif not Path(path).exists():
            raise click.BadParameter(f"Path '{path}' does not exist.", param_hint="PATHS")
        else:
            local.append(path)
    return tuple(local)


def _audit(
    paths: tuple[str, ...],
    *,
    fmt: str,
    output: str | None,
    baseline: str | None,
    strict: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    config_spec: str,
    timing: str,
) -> None:
    """The audit itself, on menu files and folders."""
    try:
        config = load_config(config_spec)
        config.rules(_codes(select), _codes(ignore))
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None

    def audit_file(path: Path):
        menu = load_menu(path)
        return audit_menu(
            menu,
            config,
            timer=timer_for(timing, menu),
            select=_codes(select),
            ignore=_codes(ignore),
        )

    audits, broken, notes = [], False, []
    for path in menu_paths(paths):
        menu, errors = check_menu(path)
        if menu is None:
            broken = True
            for error in errors:
                echo(str(error), err=True)
            continue
        timer = timer_for(timing, menu)
        audits.append(
            audit_menu(menu, config, timer=timer, select=_codes(select), ignore=_codes(ignore))
        )
        if timing != "estimate":
            notes += _timing_notes(timing, timer, audits[-1])
    fail_on = frozenset({"error", "warning"} if strict else {"error"})
    with paused_gc():  # a report's many small objects are no garbage: no collections
        report = FORMATS[fmt](audits, fail_on) if audits else ""
    _write(report, fmt, output)
    if notes:
        echo("\n".join(notes), err=output is None and fmt not in HUMAN_FORMATS)
    if baseline:
        from audit.baseline import BaselineError, compare, load_baseline  # only with --baseline

        try:
            old = load_baseline(baseline, lambda p: audit_file(p).as_dict())
        except BaselineError as exc:
            raise click.UsageError(str(exc)) from None
        to_stderr = output is None and fmt not in HUMAN_FORMATS
        echo(
            "\nChanges since the baseline:\n" + compare(old, [a.as_dict() for a in audits]),
            err=to_stderr,
        )
    failed = broken or any(f.severity in fail_on for a in audits for f in a.findings)
    raise SystemExit(1 if failed else 0)


def _write(report: str, fmt: str, output: str | None) -> None:
    """The report to the ``output`` file, else to standard output."""
    if output:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text(report, encoding="utf-8")
        echo(f"{fmt} report written to {output}", err=True)
    elif report:
        echo(report, nl=False)


def _timing_notes(source: str, timer: PromptTimer, audit: MenuAudit) -> list[str]:
    """How a measured timing source's figures differ from the text estimate: the time to
    a person for both, then whatever the timer notes itself (``notes()``, optional).

    A timer names what it measures in its ``source`` attribute (default: the source name).
    """
    menu: Menu = audit.menu
    measuring = getattr(timer, "source", source)
    lines = [f"{menu.path}: timing from {measuring} against the text estimate"]
    measured = audit.metrics.nearest
    estimated = audit_menu(menu, timer=EstimatedTimer()).metrics.nearest
    if measured and estimated:
        lines.append(
            f"  first-time caller to a person: {measured.first_time_s:.1f} s measured, "
            f"{estimated.first_time_s:.1f} s estimated "
            f"({relative_change(measured.first_time_s, estimated.first_time_s)})"
        )
    notes = getattr(timer, "notes", None)
    return lines + (notes() if callable(notes) else [])
