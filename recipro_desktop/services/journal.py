"""The journal service: every use case of the journal's data, Qt-free, returning immutable dataclasses.

The window (through its single background worker), the CLI and the benchmark all call this class; none
of them opens a session, builds a query or sees an ORM object. Each public method is one transaction.

Writes:
- ``add_X(obj)`` stores a new item and returns it *as stored*: text cleaned (NFC, stray control characters
  removed, :func:`core.validation.clean_text`), validated (:mod:`core.validation`, raising
  :class:`ValidationError` naming the field), ``created_at``/``updated_at`` set from the injected clock,
  ``version`` 1.
- ``update_X(obj)`` saves an edit of an item read earlier. If anyone saved that item since (its ``version``
  moved on), :class:`ConflictError` is raised and nothing is written (RELIABILITY C4); otherwise the
  version goes up by one and ``updated_at`` is now.
- ``delete_X(id)`` removes an item and unlinks what referred to it (RELIABILITY: deleting a person removes
  their links and listening notes; deleting an act clears "met by" on the needs it met).
- :meth:`add_many` is the bulk path of ``recipro demo`` and the CSV import: one transaction, Core
  ``executemany``, timestamps and versions kept as given.

Reads: derived figures (last interaction, keep-in-touch due date, balance, warmth, thank-yous owed) are
computed from what is stored with the pure rules of :mod:`core.scores`, in one pass per query, never one
query per person.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import UTC, date, timedelta
from typing import Any, TypeVar, cast
from uuid import UUID

from sqlalchemy import select

from recipro_desktop.core import scores, validation
from recipro_desktop.core import settings as settings_registry
from recipro_desktop.core.clock import Clock
from recipro_desktop.core.errors import NotFoundError, ValidationError
from recipro_desktop.core.models import (
    Act,
    Commitment,
    ImportBatch,
    Interaction,
    JournalEntry,
    Need,
    Person,
    Reminder,
    SearchHit,
    Tag,
    TimelineCursor,
    TimelineFilter,
    TimelinePage,
)
from recipro_desktop.core.reminders import cadence_due_on, needs_known_since
from recipro_desktop.core.summaries import PersonFacts, PersonRow, PersonSummary
from recipro_desktop.storage import fts, repositories, timeline
from recipro_desktop.storage.database import Database
from recipro_desktop.storage.repositories import (
    ACT,
    COMMITMENT,
    ENTRY,
    INTERACTION,
    NEED,
    PERSON,
    REMINDER,
    PersonActivity,
    Repository,
    Spec,
)
from recipro_desktop.storage.tables import SettingRow, utc_from_text, uuid_from_bytes

log = logging.getLogger(__name__)

M = TypeVar("M")

_VALIDATORS: dict[type, Any] = {
    Person: validation.validate_person,
    Act: validation.validate_act,
    Need: validation.validate_need,
    Commitment: validation.validate_commitment,
    Interaction: validation.validate_interaction,
    JournalEntry: validation.validate_entry,
    Reminder: validation.validate_reminder,
}

BULK_OPTIMIZE_AT = 20_000
"""After a bulk load of at least this many items the FTS index is merged (faster search afterwards)."""


_NEEDS_CLEANING = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TEXT_FIELDS: dict[type, tuple[tuple[str, ...], tuple[str, ...]]] = {}


def _clean_text(value: str) -> str:
    if value.isascii():
        return value if _NEEDS_CLEANING.search(value) is None else validation.clean_text(value)
    if _NEEDS_CLEANING.search(value) is None and unicodedata.is_normalized("NFC", value):
        return value
    return validation.clean_text(value)


def _text_fields(cls: type) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The text fields and the text-list fields of a model class (from its type annotations)."""
    found = _TEXT_FIELDS.get(cls)
    if found is None:
        fields = dataclasses.fields(cls)
        found = (
            tuple(f.name for f in fields if f.type in ("str", str)),
            tuple(f.name for f in fields if f.type in ("tuple[str, ...]",)),
        )
        _TEXT_FIELDS[cls] = found
    return found


def clean(obj: M) -> M:
    """``obj`` with every text (and list of texts) through :func:`clean_text`; duplicate tags dropped."""
    texts, lists = _text_fields(type(obj))
    changes: dict[str, Any] = {}
    for name in texts:
        value = getattr(obj, name)
        if not isinstance(value, str):
            continue  # the validator names the field
        cleaned = _clean_text(value)
        if cleaned is not value:
            changes[name] = cleaned
    for name in lists:
        values = getattr(obj, name)
        if not isinstance(values, tuple) or not values or not all(isinstance(v, str) for v in values):
            continue
        cleaned_list = tuple(_clean_text(v) for v in values)
        if name == "tags":
            cleaned_list = tuple(dict.fromkeys(cleaned_list))
        if cleaned_list != values:
            changes[name] = cleaned_list
    return dataclasses.replace(cast(Any, obj), **changes) if changes else obj


class JournalService:
    """Use cases over one open :class:`Database`, with time from an injected :class:`Clock`."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    @property
    def database(self) -> Database:
        return self._db

    # --- generic plumbing ---------------------------------------------------------------------------------

    def _prepare(self, obj: M) -> M:
        obj = clean(obj)
        _VALIDATORS[type(obj)](obj)
        return obj

    def _check_refs(self, repo: Repository, obj: object) -> None:
        """Referenced people and items must exist (a clear field error instead of a constraint failure)."""
        people: Iterable[UUID] = getattr(obj, "people", ())
        missing = [p for p in people if not repo.exists(PERSON, p)]
        if missing:
            raise ValidationError("people", f"{len(missing)} of the people linked no longer exist in this journal.")
        refs: tuple[tuple[str, Spec[Any]], ...] = (
            ("person_id", PERSON),
            ("met_through_id", PERSON),
            ("meets_need_id", NEED),
            ("in_return_for_id", ACT),
            ("met_by_act_id", ACT),
            ("fulfilled_by_act_id", ACT),
        )
        for name, spec in refs:
            ref = getattr(obj, name, None)
            if ref is not None and not repo.exists(spec, ref):
                raise ValidationError(name, f"The {spec.kind.value} this refers to no longer exists in this journal.")

    def _add(self, obj: M) -> M:
        now = self._clock.now()
        item = dataclasses.replace(cast(Any, self._prepare(obj)), created_at=now, updated_at=now, version=1)
        with self._db.session(write=True) as session:
            repo = Repository(session, now)
            self._check_refs(repo, item)
            stored: M = repo.add(item)
        log.debug("added %s %s", type(obj).__name__, cast(Any, item).id)
        return stored

    def _get(self, spec: Spec[M], item_id: UUID) -> M:
        with self._db.session() as session:
            return Repository(session, self._clock.now()).get(spec, item_id)

    def _update(self, obj: M) -> M:
        item = self._prepare(obj)
        now = self._clock.now()
        with self._db.session(write=True) as session:
            repo = Repository(session, now)
            self._check_refs(repo, item)
            stored: M = repo.update(item)
        return stored

    def _delete(self, spec: Spec[Any], item_id: UUID) -> None:
        with self._db.session(write=True) as session:
            Repository(session, self._clock.now()).delete(spec, item_id)
        log.debug("deleted %s %s", spec.kind.value, item_id)

    def _for_person(self, spec: Spec[M], person_id: UUID) -> list[M]:
        with self._db.session() as session:
            repo = Repository(session, self._clock.now())
            if not repo.exists(PERSON, person_id):
                raise NotFoundError(f"No person with id {person_id} in this journal.")
            ids = repositories.item_ids_for_person(repo.raw, person_id, spec.kind)
            return repo.get_many(spec, ids)

    # --- people -------------------------------------------------------------------------------------------

    def add_person(self, person: Person) -> Person:
        return self._add(person)

    def get_person(self, person_id: UUID) -> Person:
        return self._get(PERSON, person_id)

    def update_person(self, person: Person) -> Person:
        return self._update(person)

    def delete_person(self, person_id: UUID) -> None:
        """Delete a person, their listening notes and their links (acts etc. stay, without them)."""
        self._delete(PERSON, person_id)

    def archive_person(self, person_id: UUID, archived: bool = True) -> Person:
        """Hide (or show again) a person in the People list; nothing else changes."""
        with self._db.session(write=True) as session:
            repo = Repository(session, self._clock.now())
            current = repo.get(PERSON, person_id)
            if current.archived == archived:
                return current
            return repo.update(dataclasses.replace(current, archived=archived))

    def merge_people(self, keep_id: UUID, other_id: UUID) -> Person:
        """Merge a duplicate into ``keep``: every link, need and reminder moves; lists are unioned; blanks
        filled; notes appended; ``other`` is deleted. Returns the merged person."""
        with self._db.session(write=True) as session:
            return Repository(session, self._clock.now()).merge_people(keep_id, other_id)

    def find_people(self, text: str, *, limit: int = 20) -> list[Person]:
        """Name completion: people whose display, given or family name starts with each word typed
        (accent- and case-insensitive), best match first."""
        with self._db.session() as session:
            repo = Repository(session, self._clock.now())
            ids = fts.find_person_ids(repo.raw, text, limit=limit)
            return repo.get_many(PERSON, ids)

    def list_people(self, *, include_archived: bool = False) -> list[PersonRow]:
        """Every person with the derived figures, sorted by name (case-insensitive).

        Four set-wise queries, none per person: people, their tags, open-need counts, and one GROUP BY scan of
        ``timeline_people`` for the last interaction, balance and warmth (:func:`repositories.person_figures`,
        the same figures as :meth:`person_summary`'s, bit for bit). 10,000 people / 200,000 items: ~0.5 s,
        a third of what building every person's acts as objects first took.
        """
        today = self._clock.today()
        default_cadence = self._default_cadence()
        with self._db.reading() as conn:
            sql = (
                "SELECT id, display_name, given_name, family_name, organisation, role, location, emails, "
                "can_help_with, cadence_days, birthday_month, birthday_day, archived, version, created_at "
                "FROM people"
            )
            people = conn.execute(sql if include_archived else sql + " WHERE archived = 0").fetchall()
            tags = repositories.all_person_tags(conn)
            needs = repositories.open_need_counts(conn)
            figures = repositories.person_figures(conn, today)
        nothing = repositories.NO_FIGURES
        rows = []
        for (
            key,
            name,
            given,
            family,
            org,
            role,
            location,
            emails,
            skills,
            cadence,
            month,
            day,
            archived,
            version,
            created,
        ) in people:
            person_id = uuid_from_bytes(key)
            figure = figures.get(key, nothing)
            last = figure.last_interaction
            # the day they were added (UTC, as stored) matters only to the never-contacted with a cadence
            added = date.fromisoformat(created[:10]) if needs_known_since(cadence, last) else None
            rows.append(
                PersonRow(
                    id=person_id,
                    display_name=name,
                    given_name=given,
                    family_name=family,
                    organisation=org,
                    role=role,
                    location=location,
                    emails=_json_strings(emails),
                    tags=tags.get(person_id, ()),
                    can_help_with=_json_strings(skills),
                    cadence_days=cadence,
                    birthday_month=month,
                    birthday_day=day,
                    archived=bool(archived),
                    version=version,
                    last_interaction=last,
                    keep_in_touch_due=_cadence_due(cadence, last, added, bool(archived), default_cadence),
                    balance=figure.balance,
                    warmth=figure.warmth,
                    open_needs=needs.get(person_id, 0),
                )
            )
        rows.sort(key=lambda r: (r.display_name.casefold(), r.display_name, r.id))
        return rows

    def person_facts(self, ids: Iterable[UUID]) -> dict[UUID, PersonFacts]:
        """Name, day added and birth year of these people (missing ones left out).

        Three columns on the driver, in chunks: loading whole people (tags and all) through the ORM for the
        reminder rules cost ten times as much at 10,000 contacts.
        """
        wanted = [i.bytes for i in dict.fromkeys(ids)]
        out: dict[UUID, PersonFacts] = {}
        with self._db.reading() as conn:
            for start in range(0, len(wanted), 500):
                chunk = tuple(wanted[start : start + 500])
                marks = ", ".join("?" * len(chunk))
                sql = f"SELECT id, display_name, created_at, birthday_year FROM people WHERE id IN ({marks})"
                for raw_id, name, created, year in conn.execute(sql, chunk):
                    out[uuid_from_bytes(raw_id)] = PersonFacts(name, utc_from_text(created).date(), year)
        return out

    def person_summary(self, person_id: UUID) -> PersonSummary:
        """The person page header: the person, derived figures and counts per kind."""
        today = self._clock.today()
        with self._db.session() as session:
            repo = Repository(session, self._clock.now())
            person = repo.get(PERSON, person_id)
            activity = repositories.activity(repo.raw, person_id).get(person_id, PersonActivity())
            counts = repositories.counts_for_person(repo.raw, person_id)
        last, balance, warmth = _derived(activity, today)
        return PersonSummary(
            person=person,
            last_interaction=last,
            keep_in_touch_due=_cadence_due(
                person.cadence_days,
                last,
                person.created_at.astimezone(UTC).date(),
                person.archived,
                self._default_cadence(),
            ),
            balance=balance,
            warmth=warmth,
            acts=counts.get("act", 0),
            acts_given=counts.get("act_given", 0),
            acts_received=counts.get("act_received", 0),
            needs=counts.get("need", 0),
            open_needs=counts.get("open_needs", 0),
            commitments=counts.get("commitment", 0),
            open_commitments=counts.get("open_commitments", 0),
            interactions=counts.get("interaction", 0),
            entries=counts.get("entry", 0),
            reminders=counts.get("reminder", 0),
            thanks_owed=counts.get("thanks_owed", 0),
        )

    # --- acts ---------------------------------------------------------------------------------------------

    def add_act(self, act: Act) -> Act:
        return self._add(act)

    def get_act(self, act_id: UUID) -> Act:
        return self._get(ACT, act_id)

    def update_act(self, act: Act) -> Act:
        return self._update(act)

    def delete_act(self, act_id: UUID) -> None:
        """Delete an act; needs it met, promises it fulfilled and acts returning it lose that reference."""
        self._delete(ACT, act_id)

    def acts_for(self, person_id: UUID) -> list[Act]:
        return self._for_person(ACT, person_id)

    def thanks_owed(self, *, older_than_days: int = 0) -> list[Act]:
        """Received acts not yet thanked (nor marked "no thanks needed") that happened at least
        ``older_than_days`` days ago; oldest first (the longest-waiting thank-you leads)."""
        cutoff = self._clock.today() - timedelta(days=max(0, older_than_days))
        with self._db.session() as session:
            repo = Repository(session, self._clock.now())
            return repo.get_many(ACT, repositories.thanks_owed_ids(repo.raw, on_or_before=cutoff))

    # --- needs --------------------------------------------------------------------------------------------

    def add_need(self, need: Need) -> Need:
        return self._add(need)

    def get_need(self, need_id: UUID) -> Need:
        return self._get(NEED, need_id)

    def update_need(self, need: Need) -> Need:
        return self._update(need)

    def delete_need(self, need_id: UUID) -> None:
        self._delete(NEED, need_id)

    def needs_for(self, person_id: UUID) -> list[Need]:
        return self._for_person(NEED, person_id)

    def open_needs(self) -> list[Need]:
        """Needs still open or being helped with, most recently heard first."""
        with self._db.session() as session:
            repo = Repository(session, self._clock.now())
            return repo.get_many(NEED, repositories.open_need_ids(repo.raw))

    # --- commitments --------------------------------------------------------------------------------------

    def add_commitment(self, commitment: Commitment) -> Commitment:
        return self._add(commitment)

    def get_commitment(self, commitment_id: UUID) -> Commitment:
        return self._get(COMMITMENT, commitment_id)

    def update_commitment(self, commitment: Commitment) -> Commitment:
        return self._update(commitment)

    def delete_commitment(self, commitment_id: UUID) -> None:
        self._delete(COMMITMENT, commitment_id)

    def commitments_for(self, person_id: UUID) -> list[Commitment]:
        return self._for_person(COMMITMENT, person_id)

    def open_commitments(self) -> list[Commitment]:
        """Open promises, soonest due first; promises without a due date last."""
        with self._db.session() as session:
            repo = Repository(session, self._clock.now())
            return repo.get_many(COMMITMENT, repositories.open_commitment_ids(repo.raw))

    # --- interactions, entries, reminders -----------------------------------------------------------------

    def add_interaction(self, interaction: Interaction) -> Interaction:
        return self._add(interaction)

    def get_interaction(self, interaction_id: UUID) -> Interaction:
        return self._get(INTERACTION, interaction_id)

    def update_interaction(self, interaction: Interaction) -> Interaction:
        return self._update(interaction)

    def delete_interaction(self, interaction_id: UUID) -> None:
        self._delete(INTERACTION, interaction_id)

    def interactions_for(self, person_id: UUID) -> list[Interaction]:
        return self._for_person(INTERACTION, person_id)

    def add_entry(self, entry: JournalEntry) -> JournalEntry:
        return self._add(entry)

    def get_entry(self, entry_id: UUID) -> JournalEntry:
        return self._get(ENTRY, entry_id)

    def update_entry(self, entry: JournalEntry) -> JournalEntry:
        return self._update(entry)

    def delete_entry(self, entry_id: UUID) -> None:
        self._delete(ENTRY, entry_id)

    def entries_for(self, person_id: UUID) -> list[JournalEntry]:
        return self._for_person(ENTRY, person_id)

    def add_reminder(self, reminder: Reminder) -> Reminder:
        return self._add(reminder)

    def get_reminder(self, reminder_id: UUID) -> Reminder:
        return self._get(REMINDER, reminder_id)

    def update_reminder(self, reminder: Reminder) -> Reminder:
        return self._update(reminder)

    def delete_reminder(self, reminder_id: UUID) -> None:
        self._delete(REMINDER, reminder_id)

    def reminders_for(self, person_id: UUID) -> list[Reminder]:
        return self._for_person(REMINDER, person_id)

    def list_reminders(self, *, include_done: bool = False) -> list[Reminder]:
        """Reminders by due time (the reminder rules in ``core/reminders.py`` decide what is due)."""
        from recipro_desktop.storage.tables import ReminderRow

        with self._db.session() as session:
            repo = Repository(session, self._clock.now())
            query = select(ReminderRow.id).order_by(ReminderRow.due_at, ReminderRow.id)
            if not include_done:
                query = query.where(ReminderRow.done.is_(False))
            return repo.get_many(REMINDER, list(session.scalars(query)))

    # --- bulk ---------------------------------------------------------------------------------------------

    def add_many(
        self,
        *,
        people: Sequence[Person] = (),
        acts: Sequence[Act] = (),
        needs: Sequence[Need] = (),
        commitments: Sequence[Commitment] = (),
        interactions: Sequence[Interaction] = (),
        entries: Sequence[JournalEntry] = (),
        reminders: Sequence[Reminder] = (),
        import_batch_id: UUID | None = None,
    ) -> None:
        """Store many new items in ONE transaction (all or nothing), with links, timeline and search index.

        Items are cleaned and validated like single adds; their ids, timestamps and versions are kept (an
        import or a generated demo carries its own history). References may point anywhere inside the same
        call (checked at commit). ``import_batch_id`` tags every row for a later *undo import*.
        """
        batches: list[list[Any]] = [
            [self._prepare(x) for x in group]
            for group in (people, needs, acts, commitments, interactions, entries, reminders)
        ]
        total = sum(len(b) for b in batches)
        if not total:
            return
        with self._db.session(write=True, bulk=True) as session:
            repo = Repository(session, self._clock.now())
            repo.add_many([b for b in batches if b], import_batch_id=import_batch_id)
            if total >= BULK_OPTIMIZE_AT:
                fts.optimize(repo.conn)
        log.info("stored %d items in one transaction", total)

    # --- search, timeline, stats ------------------------------------------------------------------------

    def search(self, text: str, *, limit: int = 50) -> list[SearchHit]:
        """Items and people matching every word typed (each word a prefix; accent- and case-insensitive),
        best first (bm25), each with a short snippet. FTS syntax in ``text`` is treated as plain text."""
        with self._db.reading() as conn:
            return fts.search(conn, text, limit=limit)

    def timeline(
        self,
        filt: TimelineFilter = TimelineFilter(),  # noqa: B008 - immutable dataclass
        *,
        after: TimelineCursor | None = None,
        limit: int = 200,
    ) -> TimelinePage:
        """One page of the timeline, newest first; pass ``page.next_cursor`` as ``after`` for the next."""
        with self._db.reading() as conn:
            return timeline.page(conn, filt, after=after, limit=limit)

    def stats(self) -> dict[str, int]:
        """Counts per entity: people, acts, needs, commitments, interactions, entries, reminders, tags."""
        with self._db.reading() as conn:
            return repositories.stats(conn)

    def list_tags(self) -> list[Tag]:
        with self._db.session() as session:
            return Repository(session, self._clock.now()).list_tags()

    # --- import batches -----------------------------------------------------------------------------------

    def add_import_batch(self, batch: ImportBatch) -> ImportBatch:
        now = self._clock.now()
        with self._db.session(write=True) as session:
            return Repository(session, now).add_import_batch(
                dataclasses.replace(batch, created_at=now, updated_at=now, version=1)
            )

    def get_import_batch(self, batch_id: UUID) -> ImportBatch:
        with self._db.session() as session:
            return Repository(session, self._clock.now()).get_import_batch(batch_id)

    def update_import_batch(self, batch: ImportBatch) -> ImportBatch:
        with self._db.session(write=True) as session:
            return Repository(session, self._clock.now()).update_import_batch(batch)

    def list_import_batches(self) -> list[ImportBatch]:
        with self._db.session() as session:
            return Repository(session, self._clock.now()).list_import_batches()

    # --- settings -----------------------------------------------------------------------------------------

    def _default_cadence(self) -> int | None:
        value = self.get_setting("default_cadence_days")
        return value if isinstance(value, int) else None

    def get_setting(self, key: str) -> object:
        """The stored value of a domain setting, or its declared default (``core/settings.py``).

        Raises:
            ValidationError: no setting has that name.
        """
        settings_registry.spec(key)
        with self._db.session() as session:
            row = session.get(SettingRow, key)
            stored = row.value if row is not None else None
        if stored is None:
            return settings_registry.default(key)
        try:
            return settings_registry.from_json(key, stored)
        except ValidationError:
            log.warning("stored setting %s no longer valid; using its default", key)
            return settings_registry.default(key)

    def set_setting(self, key: str, value: object) -> None:
        """Store a domain setting (validated and coerced by its declaration)."""
        encoded = settings_registry.to_json(key, value)
        now = self._clock.now()
        with self._db.session(write=True) as session:
            row = session.get(SettingRow, key)
            if row is None:
                session.add(SettingRow(key=key, value=encoded, updated_at=now))
            else:
                row.value = encoded
                row.updated_at = now

    def all_settings(self) -> dict[str, object]:
        """Every domain setting: stored values where valid, defaults elsewhere."""
        with self._db.session() as session:
            stored = {row.key: row.value for row in session.scalars(select(SettingRow))}
        decoded: dict[str, object] = {}
        for key, text in stored.items():
            try:
                decoded[key] = settings_registry.from_json(key, text)
            except ValidationError:
                continue
        return dict(settings_registry.resolve(decoded))


_JSON = json.JSONDecoder()


def _json_strings(text: str) -> tuple[str, ...]:
    """A stored JSON list of strings as a tuple: ``json.loads`` without its wrappers (the text is ours, written
    by ``json.dumps``), and no parsing at all for the many people with none."""
    return () if text == "[]" else tuple(_JSON.raw_decode(text)[0])


def _derived(activity: PersonActivity, today: date) -> tuple[date | None, scores.Balance, scores.Warmth]:
    """Last interaction (not in the future), balance and warmth from one person's activity."""
    days = [a.on for a in activity.acts]
    days.extend(activity.interactions)
    days.extend(activity.entries)
    past = [d for d in days if d <= today]
    last = max(past) if past else None
    balance = scores.balance(activity.acts, today)
    warmth = scores.warmth(
        acts=((a.on, a.weight) for a in activity.acts),
        interactions=activity.interactions,
        entries=activity.entries,
        today=today,
    )
    return last, balance, warmth


def _cadence_due(
    cadence: int | None, last: date | None, added: date | None, archived: bool, default_cadence: int | None
) -> date | None:
    """The day keeping in touch is due, by the one rule Today and the tray use (:func:`cadence_due_on`)."""
    found = cadence_due_on(
        cadence_days=cadence,
        last_contact=last,
        known_since=added,
        archived=archived,
        default_cadence_days=default_cadence,
    )
    return found[1] if found is not None else None
