"""``ivr test SCENARIOS...``: play path tests on the engine or against a live TwiML webhook."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import click

from ivr.commands.common import echo, load_or_exit
from ivr.errors import MenuLoadError


@click.command()
@click.argument(
    "scenario_files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False)
)
@click.option(
    "--menu", type=click.Path(exists=True, dir_okay=False), help="Run on the engine with this menu."
)
@click.option("--via", metavar="URL", help="Run against the TwiML webhook at URL, as Twilio would.")
@click.option(
    "--at",
    "at",
    metavar="TIME",
    help="Only the scenarios made for this call time (with --via: the time the webhook serves).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "junit"]), default="text", show_default=True
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="Write the report to this file."
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Scenarios run at once.",
)
@click.option(
    "--auth-token",
    envvar="IVR_TWILIO_AUTH_TOKEN",
    metavar="TOKEN",
    help="With --via: sign requests with X-Twilio-Signature (default: $IVR_TWILIO_AUTH_TOKEN).",
)
def test(
    scenario_files: tuple[str, ...],
    menu: str | None,
    via: str | None,
    at: str | None,
    fmt: str,
    output: str | None,
    jobs: int,
    auth_token: str | None,
) -> None:
    """Run the path tests in SCENARIO_FILES; exit 1 when any fails.

    Without --menu or --via each file runs on the engine with the menu it names.
    """
    from ivr.pathtests.run import junit, run_all, run_on_engine, run_via
    from ivr.pathtests.scenario import load_scenarios

    if menu and via:
        raise click.UsageError("--menu and --via cannot be used together")
    results = []
    for name in scenario_files:
        try:
            file = load_scenarios(name)
        except MenuLoadError as exc:
            for error in exc.errors:
                echo(str(error), err=True)
            raise SystemExit(2) from exc
        chosen = [s for s in file.scenarios if at is None or s.at == at]
        if via:
            runner = partial(run_via, url=via, auth_token=auth_token)
        else:
            menu_file = menu or file.menu
            if menu_file is None:
                raise click.UsageError(f"{name} names no menu: give --menu or --via")
            runner = partial(run_on_engine, menu=load_or_exit(menu_file))
        results += run_all(chosen, runner, jobs)
    failed = [r for r in results if not r.passed]
    if fmt == "junit":
        report = junit(results, " ".join(Path(n).stem for n in scenario_files))
    else:
        lines = [
            f"{'PASS' if r.passed else 'FAIL'} {r.scenario.name} ({r.seconds:.1f} s)"
            + (f"\n     {r.failure}" if r.failure else "")
            for r in results
        ]
        lines.append(f"{len(results) - len(failed)} scenarios passed, {len(failed)} failed")
        report = "\n".join(lines)
    if output:
        Path(output).write_text(report + "\n", encoding="utf-8")
        echo(f"{output}: {len(results) - len(failed)} scenarios passed, {len(failed)} failed")
    else:
        echo(report)
    if failed:
        raise SystemExit(1)
