"""`manage.py load_declarations FILE...`: load or refresh declarations from their text.

Every file is read and parsed before anything is written, and the whole batch is one
transaction: a bad file anywhere leaves the database exactly as it was.
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from declarations.models import Declaration
from declarations.parser import ParsedDeclaration, ParseError, decode_text, parse_declaration
from declarations.selectors import country_names_for_parser, declaration_find
from declarations.services import DeclarationLoadError, declaration_load, declaration_translation_load

# A declaration is a few pages; anything far larger is not one, and would only cost memory.
MAX_FILE_BYTES = 5 * 1024 * 1024


def read_declaration_file(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ParseError(f"the file is {size} bytes; a declaration text is at most {MAX_FILE_BYTES} bytes")
        data = path.read_bytes()
    except IsADirectoryError:
        raise ParseError("it is a directory, not a file") from None
    except FileNotFoundError:
        raise ParseError("no such file") from None
    except OSError as exc:
        raise ParseError(f"cannot be read ({exc.strerror or exc})") from None
    return decode_text(data)


class Command(BaseCommand):
    help = "Load or refresh RCM declarations from their text files (idempotent)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="Plain-text declaration files.")
        parser.add_argument("--dry-run", action="store_true", help="Parse and report; write nothing.")
        parser.add_argument(
            "--format",
            choices=["text", "json"],
            default="text",
            help="Output format: a readable summary (default) or one JSON object per file.",
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

    def execute(self, *args: Any, **options: Any) -> str | None:
        # Scripts read stderr: one line "FILE: problem", without Django's "CommandError:" prefix.
        try:
            return super().execute(*args, **options)
        except CommandError as exc:
            if not getattr(self, "_called_from_command_line", False):
                raise
            self.stderr.write(str(exc))
            sys.exit(exc.returncode)

    def handle(self, *args: Any, **options: Any) -> None:
        countries = country_names_for_parser()
        parsed: list[tuple[Path, str, ParsedDeclaration]] = []
        for name in options["files"]:
            path = Path(name)
            try:
                text = read_declaration_file(path)
                parsed.append((path, text, parse_declaration(text, countries=countries)))
            except ParseError as exc:
                raise CommandError(f"{name}: {exc}", returncode=1) from None

        if options["translation_of"] is not None:
            self._load_translations(parsed, options)
            return
        if options["unofficial"]:
            raise CommandError(f"{options['files'][0]}: --unofficial only applies with --translation-of", returncode=1)

        if options["dry_run"]:
            for path, _text, declaration in parsed:
                self._report(path, declaration, options["format"], outcome=None)
            return

        with transaction.atomic():
            for path, text, declaration in parsed:
                try:
                    outcome = declaration_load(parsed=declaration, source_text=text, source_name=path.name)
                except DeclarationLoadError as exc:
                    raise CommandError(f"{path}: {exc}", returncode=1) from None
                self._report(path, declaration, options["format"], outcome=outcome.action, changes=outcome.changes)

    def _load_translations(self, parsed: list[tuple[Path, str, ParsedDeclaration]], options: dict[str, Any]) -> None:
        reference = options["translation_of"]
        try:
            target = declaration_find(reference=reference)
        except Declaration.DoesNotExist:
            raise CommandError(
                f"{parsed[0][0]}: --translation-of {reference!r} names no loaded declaration (give its id or title)",
                returncode=1,
            ) from None
        # A dry run checks the linking too, then rolls it back: it can never promise what a load refuses.
        with transaction.atomic():
            for path, text, declaration in parsed:
                try:
                    outcome = declaration_translation_load(
                        declaration=target,
                        parsed=declaration,
                        source_text=text,
                        source_name=path.name,
                        official=not options["unofficial"],
                    )
                except DeclarationLoadError as exc:
                    raise CommandError(f"{path}: {exc}", returncode=1) from None
                verb = None if options["dry_run"] else f"{outcome.action} as a translation of {target.title!r}"
                self._report(path, declaration, options["format"], outcome=verb, changes=outcome.changes)
            if options["dry_run"]:
                transaction.set_rollback(True)

    def _report(
        self,
        path: Path,
        declaration: ParsedDeclaration,
        output_format: str,
        *,
        outcome: str | None,
        changes: list[str] | None = None,
    ) -> None:
        if output_format == "json":
            payload = declaration.as_dict()
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        verb = outcome or "would load"
        date = declaration.adopted_on.isoformat() if declaration.adopted_on else "no date"
        self.stdout.write(
            f"{path}: {verb}: {declaration.title!r} ({date}, {declaration.place or 'no place'}, "
            f"{declaration.language}) — {len(declaration.commitments)} commitments, "
            f"{len(declaration.signatories)} signatories ({', '.join(declaration.signatories)})"
        )
        for change in changes or []:
            self.stdout.write(f"  - {change}")
