"""`manage.py load_declarations FILE...`: load or refresh declarations from their text.

Every file is read and parsed before anything is written, and the whole batch is one
transaction: a bad file anywhere leaves the database exactly as it was. With --keep-going (for
loading the Conference's whole record) each usable file is loaded in its own transaction, and
the others are listed with their problem.
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction

from declarations.messages import error_message, problem_messages
from declarations.models import Declaration
from declarations.parser import ParsedDeclaration, ParseError, parse_declaration
from declarations.parser.files import MAX_FILE_BYTES, read_declaration
from declarations.selectors import country_names_for_parser, declaration_find
from declarations.services import DeclarationLoadError, declaration_load, declaration_translation_load


def read_declaration_file(path: Path) -> str:
    """The text of a .txt, .docx or .pdf file; ParseError (a code) when there is none."""
    try:
        if path.is_dir():
            raise ParseError("is_directory")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ParseError("too_large", size=str(size), limit=str(MAX_FILE_BYTES))
        data = path.read_bytes()
    except FileNotFoundError:
        raise ParseError("no_such_file") from None
    except OSError as exc:
        raise ParseError("unreadable", reason=str(exc.strerror or exc)) from None
    return read_declaration(data, path.name)


@dataclass(frozen=True)
class _Parsed:
    path: Path
    text: str
    declaration: ParsedDeclaration


class _Unusable(Exception):
    """One file cannot be loaded; the message is the line "FILE: problem"."""


class Command(BaseCommand):
    help = "Load or refresh RCM declarations from their .txt, .docx or .pdf files (idempotent)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="Declaration files: .txt, .docx or .pdf.")
        parser.add_argument("--dry-run", action="store_true", help="Parse and report; write nothing.")
        parser.add_argument(
            "--format",
            choices=["text", "json"],
            default="text",
            help="Output format: a readable summary (default) or one JSON object per file.",
        )
        parser.add_argument(
            "--keep-going",
            action="store_true",
            help="Load every usable file, each in its own transaction, and list the others with their "
            "problem (exit code 1 if any was left out). Without it, one bad file stops the whole batch.",
        )
        parser.add_argument(
            "--translation-of",
            metavar="DECLARATION",
            help="Load the files as other language versions of this declaration (its id or title): "
            "commitments are aligned by number, nothing is duplicated.",
        )
        parser.add_argument(
            "--unofficial",
            action="store_true",
            help="With --translation-of: the translation was not adopted by the Conference; pages say so.",
        )

    def run_from_argv(self, argv: list[str]) -> None:
        """As Django's, except that a refusal is printed as it is: scripts read "FILE: problem" on stderr.

        Only documented parts of BaseCommand: create_parser, execute, stderr, CommandError.returncode
        (manage.py has already applied --settings and --pythonpath before it gets here).
        """
        parser = self.create_parser(argv[0], argv[1])
        options = parser.parse_args(argv[2:])
        cmd_options = vars(options)
        args = cmd_options.pop("args", ())
        try:
            self.execute(*args, **cmd_options)
        except CommandError as exc:
            if options.traceback:
                raise
            self.stderr.write(str(exc))
            sys.exit(exc.returncode)
        finally:
            connections.close_all()

    def handle(self, *args: Any, **options: Any) -> None:
        if options["unofficial"] and options["translation_of"] is None:
            raise CommandError(f"{options['files'][0]}: --unofficial only applies with --translation-of", returncode=1)
        if options["keep_going"]:
            self._keep_going(options)
            return
        parsed = []
        for name in options["files"]:
            try:
                parsed.append(self._parse(Path(name), options))
            except _Unusable as exc:
                raise CommandError(str(exc), returncode=1) from None

        if options["translation_of"] is not None:
            self._load_translations(parsed, options)
            return
        if options["dry_run"]:
            for item in parsed:
                self._report(item, options["format"], outcome=None)
            return
        with transaction.atomic():
            for item in parsed:
                self._load(item, options)

    def _parse(self, path: Path, options: dict[str, Any]) -> _Parsed:
        countries = country_names_for_parser()
        try:
            text = read_declaration_file(path)
            declaration = parse_declaration(text, countries=countries)
        except ParseError as exc:
            raise _Unusable(f"{path}: {error_message(exc)}") from None
        blocking = declaration.blocking_problems
        if blocking:
            raise _Unusable(f"{path}: {problem_messages(blocking)[0]}")
        return _Parsed(path, text, declaration)

    def _load(self, item: _Parsed, options: dict[str, Any]) -> None:
        try:
            outcome = declaration_load(parsed=item.declaration, source_text=item.text, source_name=item.path.name)
        except DeclarationLoadError as exc:
            raise CommandError(f"{item.path}: {exc}", returncode=1) from None
        self._report(item, options["format"], outcome=outcome.action, changes=outcome.changes)

    def _keep_going(self, options: dict[str, Any]) -> None:
        """Each usable file in its own transaction; the others listed at the end, exit code 1."""
        files = options["files"]
        left_out: list[str] = []
        progress = self.stderr.isatty() and options["format"] == "text"
        for position, name in enumerate(files, start=1):
            if progress:
                done = 30 * position // len(files)
                self.stderr.write(
                    f"\r[{'#' * done}{'.' * (30 - done)}] {position}/{len(files)} {name[-40:]:<40}", ending=""
                )
            try:
                item = self._parse(Path(name), options)
                if options["translation_of"] is not None:
                    self._load_translations([item], options)
                elif options["dry_run"]:
                    self._report(item, options["format"], outcome=None)
                else:
                    with transaction.atomic():
                        self._load(item, options)
            except _Unusable as exc:
                left_out.append(str(exc))
            except CommandError as exc:
                left_out.append(str(exc))
        if progress:
            self.stderr.write("")
        if left_out:
            for line in left_out:
                self.stderr.write(line)
            raise CommandError(f"{len(left_out)} of {len(files)} files were not loaded", returncode=1)

    def _load_translations(self, parsed: list[_Parsed], options: dict[str, Any]) -> None:
        reference = options["translation_of"]
        try:
            target = declaration_find(reference=reference)
        except Declaration.DoesNotExist:
            raise CommandError(
                f"{parsed[0].path}: --translation-of {reference!r} names no loaded declaration (give its id or title)",
                returncode=1,
            ) from None
        # A dry run checks the linking too, then rolls it back: it can never promise what a load refuses.
        with transaction.atomic():
            for item in parsed:
                try:
                    outcome = declaration_translation_load(
                        declaration=target,
                        parsed=item.declaration,
                        source_text=item.text,
                        source_name=item.path.name,
                        official=not options["unofficial"],
                    )
                except DeclarationLoadError as exc:
                    raise CommandError(f"{item.path}: {exc}", returncode=1) from None
                verb = None if options["dry_run"] else f"{outcome.action} as a translation of {target.title!r}"
                self._report(item, options["format"], outcome=verb, changes=outcome.changes)
            if options["dry_run"]:
                transaction.set_rollback(True)

    def _report(
        self, item: _Parsed, output_format: str, *, outcome: str | None, changes: list[str] | None = None
    ) -> None:
        declaration = item.declaration
        if output_format == "json":
            payload = declaration.as_dict()
            payload["problems"] = problem_messages(declaration.problems)
            payload["found"] = declaration.found
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        verb = outcome or "would load"
        date = declaration.adopted_on.isoformat() if declaration.adopted_on else "no date"
        self.stdout.write(
            f"{item.path}: {verb}: {declaration.title!r} ({date}, {declaration.place or 'no place'}, "
            f"{declaration.language}) — {len(declaration.commitments)} commitments, "
            f"{len(declaration.signatories)} signatories ({', '.join(declaration.signatories)})"
        )
        for problem in problem_messages(declaration.problems):
            self.stdout.write(f"  ! {problem}")
        for change in changes or []:
            self.stdout.write(f"  - {change}")
