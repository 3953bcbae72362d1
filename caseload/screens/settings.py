"""Settings: store administration in the TUI — my passphrase, users (supervisors add and remove), backup now,
retention review and disposal. Every change goes through the store's admin API (audited there) in a thread
worker; the store enforces who may do what, the screen only explains it. Restore stays on the command line:
it replaces the store under the running app.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, DataTable, Input, ProgressBar, Select, Static, TabbedContent, TabPane

from caseload.config import Config
from caseload.domain.enums import Role
from caseload.domain.sanitise import one_line
from caseload.screens.base import CaseloadModal, CaseloadScreen, bump_revision
from caseload.store import admin, admin_backup, admin_retention, keys
from caseload.store.admin_retention import RetentionItem
from caseload.store.errors import StoreError
from caseload.store.store import Store
from caseload.widgets.keybar import KeyBar
from caseload.widgets.table import Table

RESTORE_NOTE = (
    "Restore is command-line only: 'caseload restore FILE' checks the backup completely, keeps the current "
    "store aside and then replaces it — it cannot run under the open app. Lock or quit first."
)
ROLES = ((Role.IDVA, "IDVA"), (Role.DRIVE, "Drive case manager"), (Role.SUPERVISOR, "Supervisor"))


def size_text(n: int) -> str:
    """A byte count for people: ``812 bytes``, ``4.2 KB``, ``12.3 MB``."""
    if n < 1024:
        return f"{n} bytes"
    value = float(n)
    for unit in ("KB", "MB", "GB"):
        value /= 1024
        if value < 1024 or unit == "GB":
            return f"{value:.1f} {unit}"
    return f"{n} bytes"  # pragma: no cover


class ConfirmRemove(CaseloadModal[bool]):
    """Confirm removing a user's key slot: y removes, n or Esc keeps it."""

    BINDINGS = [
        Binding("y", "answer(True)", "Remove", id="settings.confirm_yes", tooltip="Remove the key slot"),
        Binding("n", "answer(False)", "Keep", id="settings.confirm_no", tooltip="Keep the key slot"),
        Binding("escape", "answer(False)", "Keep", id="settings.confirm_esc", show=False),
    ]

    def __init__(self, name: str) -> None:
        super().__init__()
        self.user = name

    def compose(self) -> ComposeResult:
        """One question."""
        text = Text("Remove the key slot of ")
        text.append(one_line(self.user, 60))
        text.append("? They will no longer be able to unlock this store. If they may have kept a copy of it, "
                    "run 'caseload rekey' afterwards.  y remove · n keep")
        yield Static(text, id="settings-confirm")

    def action_answer(self, yes: bool) -> None:
        """Close with the answer."""
        self.dismiss(yes)


class SettingsScreen(CaseloadScreen[None]):
    """Store administration: passphrase, users, backup, retention."""

    CSS_PATH = "settings.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", id="settings.back", tooltip="Leave settings"),
        Binding("f5", "reload", "Reload", id="settings.reload", tooltip="Reload users and retention"),
    ]

    class Done(Message):
        """A store call finished: ``text`` is safe to show; ``error`` marks a refusal or failure."""

        def __init__(self, what: str, text: str, error: bool = False, data: Any = None) -> None:
            super().__init__()
            self.what = what
            self.text = text
            self.error = error
            self.data = data

    class BackupProgress(Message):
        """Backup progress from the worker."""

        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done = done
            self.total = total

    def __init__(self, store: Store, config: Config, *, kdf: keys.KdfParams | None = None) -> None:
        super().__init__()
        self.store = store
        self.config = config
        self.kdf = kdf
        self.users: list[admin.UserInfo] = []
        self.retention: list[RetentionItem] = []
        self.last_backup: Path | None = None

    @property
    def is_supervisor(self) -> bool:
        """Supervisors administer users and retention (the store enforces it too)."""
        return self.store.role is Role.SUPERVISOR

    def _today(self) -> date:
        today: Callable[[], date] = getattr(self.app, "today", date.today)
        return today()

    def compose(self) -> ComposeResult:
        """Four tabs and a status line."""
        yield Static(Text(f"Settings · signed in as {one_line(self.store.user_name, 40)} ({self.store.role.value})"),
                     id="settings-header")
        with TabbedContent(id="settings-tabs"):
            with TabPane("Passphrase", id="tab-passphrase"), Vertical(classes="form"):
                yield Static(Text("Change my passphrase (rewraps my key slot only; other users are unchanged)."))
                yield Input(placeholder="current passphrase", password=True, id="pp-old")
                yield Input(placeholder="new passphrase", password=True, id="pp-new")
                yield Input(placeholder="new passphrase again", password=True, id="pp-confirm")
                yield Button(Text("Change passphrase"), id="pp-change", variant="primary")
            with TabPane("Users", id="tab-users"), Vertical(classes="form"):
                yield Table(id="users-table", cursor_type="row")
                with Horizontal(classes="row"):
                    yield Input(placeholder="name", id="user-name")
                    yield Select([(label, r.value) for r, label in ROLES], value=Role.IDVA.value,
                                 allow_blank=False, id="user-role")
                    yield Input(placeholder="their passphrase", password=True, id="user-pass")
                    yield Button(Text("Add user"), id="user-add", variant="primary")
                    yield Button(Text("Remove selected"), id="user-remove", variant="error")
            with TabPane("Backup", id="tab-backup"), Vertical(classes="form"):
                yield Static(Text(f"Backups go into {self.store.store_dir / 'backups'} (encrypted with the "
                                  "store's key; any user's passphrase restores them)."))
                yield Button(Text("Back up now"), id="backup-now", variant="primary")
                yield ProgressBar(total=1, id="backup-progress", show_eta=False)
                yield Static(Text(""), id="backup-result")
                yield Static(Text(RESTORE_NOTE), id="restore-note")
            with TabPane("Retention", id="tab-retention"), Vertical(classes="form"):
                yield Static(Text(""), id="retention-summary")
                yield Table(id="retention-table", cursor_type="row")
                with Horizontal(classes="row"):
                    yield Input(placeholder="type the selected case's reference to confirm", id="dispose-confirm")
                    yield Button(Text("Dispose (hard delete)"), id="dispose", variant="error")
        yield Static(Text(""), id="settings-status")
        yield KeyBar()

    def on_mount(self) -> None:
        """Columns, then load users and retention."""
        users = self.query_one("#users-table", DataTable)
        for label in ("Name", "Role", "Team", "Key slot", "Active"):
            users.add_column(label, key=label.lower())
        ret = self.query_one("#retention-table", DataTable)
        for label in ("Case", "Closed", "Disposal from", "Offered", "Why"):
            ret.add_column(label, key=label.lower())
        if not self.is_supervisor:
            for wid in ("#user-add", "#user-remove", "#dispose"):
                self.query_one(wid, Button).disabled = True
        self.action_reload()

    def action_reload(self) -> None:
        """Reload users and (supervisors) retention."""
        self._load_users()
        if self.is_supervisor:
            self._load_retention(self._today())
        else:
            self.query_one("#retention-summary", Static).update(
                Text("Retention review is for supervisors: ask yours to review cases past their date."))

    def action_back(self) -> None:
        """Leave settings."""
        self.app.pop_screen()

    def _status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#settings-status", Static)
        status.update(Text(one_line(text, 300)))
        status.set_class(error, "error")

    # --- workers --------------------------------------------------------------------------------------------

    def _run(self, what: str, fn: Callable[[], tuple[str, Any]]) -> None:
        """Call the store (in a worker thread) and post the outcome."""
        try:
            text, data = fn()
            self.post_message(self.Done(what, text, data=data))
        except StoreError as exc:
            self.post_message(self.Done(what, str(exc), error=True))

    @work(thread=True, exclusive=True, group="settings-users", exit_on_error=False)
    def _load_users(self) -> None:
        self._run("users", lambda: ("", admin.list_users(self.store)))

    @work(thread=True, exclusive=True, group="settings-retention", exit_on_error=False)
    def _load_retention(self, on: date) -> None:
        self._run("retention", lambda: ("", admin_retention.review(self.store, on)))

    @work(thread=True, exclusive=True, group="settings-write", exit_on_error=False)
    def _change_passphrase(self, old: str, new: str) -> None:
        def change() -> tuple[str, Any]:
            keys.normalise_passphrase(new, new=True)
            admin.change_passphrase(self.store, old, new)
            return "Passphrase changed. Use the new one next time you unlock; other users are unchanged.", None

        self._run("passphrase", change)

    @work(thread=True, exclusive=True, group="settings-write", exit_on_error=False)
    def _add_user(self, name: str, role: Role, passphrase: str) -> None:
        def add() -> tuple[str, Any]:
            keys.normalise_passphrase(passphrase, new=True)
            user = admin.add_user(self.store, name, role, passphrase, kdf=self.kdf)
            return f"Added a key slot for {one_line(user.name, 60)} ({role.value}).", None

        self._run("user-added", add)

    @work(thread=True, exclusive=True, group="settings-write", exit_on_error=False)
    def _remove_user(self, name: str) -> None:
        def remove() -> tuple[str, Any]:
            slot = admin.remove_user(self.store, name)
            return (f"Removed the key slot of {one_line(slot.user, 60)}. If they may have kept a copy of the "
                    "store, run 'caseload rekey'."), None

        self._run("user-removed", remove)

    @work(thread=True, exclusive=True, group="settings-write", exit_on_error=False)
    def _backup(self) -> None:
        def progress(_label: str, done: int, total: int) -> None:
            self.post_message(self.BackupProgress(done, total))

        def run() -> tuple[str, Any]:
            path = admin_backup.backup(self.store, None, progress)
            return f"Backup written: {path.name} ({size_text(path.stat().st_size)}).", path

        self._run("backup", run)

    @work(thread=True, exclusive=True, group="settings-write", exit_on_error=False)
    def _dispose(self, reference: str, on: date) -> None:
        def run() -> tuple[str, Any]:
            counts = admin_retention.dispose(self.store, [reference], on)
            return f"Disposed of {reference}: {sum(counts.values())} records deleted for good.", counts

        self._run("disposed", run)

    # --- results ----------------------------------------------------------------------------------------------

    @on(BackupProgress)
    def _backup_progress(self, message: BackupProgress) -> None:
        self.query_one("#backup-progress", ProgressBar).update(total=max(message.total, 1), progress=message.done)

    @on(Done)
    def _done(self, message: Done) -> None:
        if message.what == "users" and not message.error:
            self.users = list(message.data)
            self._fill_users()
            return
        if message.what == "retention" and not message.error:
            self.retention = list(message.data)
            self._fill_retention()
            return
        self._status(message.text, message.error)
        if message.error:
            return
        if message.what in ("disposed", "user-added", "user-removed"):
            bump_revision(self)
        if message.what == "passphrase":
            for wid in ("#pp-old", "#pp-new", "#pp-confirm"):
                self.query_one(wid, Input).value = ""
        elif message.what in ("user-added", "user-removed"):
            self.query_one("#user-name", Input).value = ""
            self.query_one("#user-pass", Input).value = ""
            self._load_users()
        elif message.what == "backup":
            self.last_backup = message.data
            self.query_one("#backup-result", Static).update(Text(message.text))
        elif message.what == "disposed":
            self.query_one("#dispose-confirm", Input).value = ""
            self._load_retention(self._today())

    def _fill_users(self) -> None:
        table = self.query_one("#users-table", DataTable)
        table.clear()
        for u in self.users:
            table.add_row(Text(one_line(u.name, 40)), Text(u.role.value), Text(one_line(u.team, 20)),
                          Text("yes" if u.has_slot else "no"), Text("yes" if u.active else "no"))

    def _fill_retention(self) -> None:
        offered = sum(1 for i in self.retention if i.offered)
        held = len(self.retention) - offered
        self.query_one("#retention-summary", Static).update(Text(
            f"{offered} closed cases past their retention date · {held} held (legal hold blocks disposal). "
            "Select a case, type its reference and press Dispose: a hard delete, audited without case data."))
        table = self.query_one("#retention-table", DataTable)
        table.clear()
        for i in self.retention:
            closed = f"{i.closed_on:%d %b %Y}" if i.closed_on else ""
            when = f"{i.dispose_on:%d %b %Y}" if i.dispose_on else "held"
            table.add_row(Text(i.reference), Text(closed), Text(when),
                          Text("yes" if i.offered else "no: legal hold"), Text(one_line(i.reason, 90)))

    # --- buttons ----------------------------------------------------------------------------------------------

    @on(Button.Pressed, "#pp-change")
    def _pp_pressed(self) -> None:
        old, new, again = (self.query_one(w, Input).value for w in ("#pp-old", "#pp-new", "#pp-confirm"))
        if not old or not new:
            self._status("Type your current passphrase and the new one.", True)
        elif new != again:
            self._status("The new passphrase and its confirmation differ; nothing was changed.", True)
        else:
            self._status("Changing the passphrase…")
            self._change_passphrase(old, new)

    @on(Button.Pressed, "#user-add")
    def _add_pressed(self) -> None:
        name = self.query_one("#user-name", Input).value.strip()
        passphrase = self.query_one("#user-pass", Input).value
        role = Role(str(self.query_one("#user-role", Select).value))
        if not name or not passphrase:
            self._status("Type the new user's name and passphrase.", True)
            return
        self._status("Adding the user (deriving their key takes a moment)…")
        self._add_user(name, role, passphrase)

    @on(Button.Pressed, "#user-remove")
    def _remove_pressed(self) -> None:
        table = self.query_one("#users-table", DataTable)
        if not self.users or table.row_count == 0:
            return
        name = self.users[table.cursor_row].name

        def answered(yes: bool | None) -> None:
            if yes:
                self._remove_user(name)

        self.app.push_screen(ConfirmRemove(name), answered)

    @on(Button.Pressed, "#backup-now")
    def _backup_pressed(self) -> None:
        self.query_one("#backup-progress", ProgressBar).update(total=1, progress=0)
        self.query_one("#backup-result", Static).update(Text("Backing up…"))
        self._backup()

    @on(Button.Pressed, "#dispose")
    def _dispose_pressed(self) -> None:
        table = self.query_one("#retention-table", DataTable)
        if not self.retention or table.row_count == 0:
            self._status("No case is offered for disposal.", True)
            return
        item = self.retention[table.cursor_row]
        typed = self.query_one("#dispose-confirm", Input).value.strip()
        if not item.offered:
            self._status(f"{item.reference} is under a legal hold: it cannot be disposed of.", True)
        elif typed != item.reference:
            self._status(f"Type {item.reference} exactly to confirm its disposal; nothing was deleted.", True)
        else:
            self._dispose(item.reference, self._today())

    def palette_commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        """Commands for the palette."""
        def tab(name: str) -> Callable[[], None]:
            return lambda: setattr(self.query_one(TabbedContent), "active", name)

        return [
            ("Settings: Change my passphrase", "Rewrap your key slot", tab("tab-passphrase")),
            ("Settings: Users", "List, add or remove users", tab("tab-users")),
            ("Settings: Back up now", "Write an encrypted backup", self._backup_pressed),
            ("Settings: Retention review", "Cases past their retention date", tab("tab-retention")),
        ]
