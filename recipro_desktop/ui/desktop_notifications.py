"""A client of the freedesktop notification service (``org.freedesktop.Notifications``) over QtDBus.

On Linux and the BSDs this is how notifications reach the user whether or not there is a system tray (GNOME
without the AppIndicator extension has none): GNOME Shell, KDE Plasma, dunst, mako, xfce4-notifyd and the
others all serve the same interface (https://specifications.freedesktop.org/notification-spec/latest/).

What the client does:

- :meth:`DesktopNotifications.probe` asks the server who it is (``GetServerInformation``) and what it can do
  (``GetCapabilities``), asynchronously; :attr:`server` is ``None`` until a server answered, and stays ``None``
  when the session bus has no notification service (then the caller falls back to the tray). A
  ``QDBusServiceWatcher`` probes again when the service's owner changes (the daemon restarted or went away).
- :meth:`notify` shows one notification, **replacing** the previous one (``replaces_id``) instead of stacking
  a new one per check; :meth:`close` takes it down.
- ``ActionInvoked`` and ``NotificationClosed`` for *our* notification become :attr:`action_invoked` and
  :attr:`closed`. The server sends them to the connection that called ``Notify`` (dunst and GNOME Shell address
  them to it), so the calls and the subscriptions share one private connection, ``recipro-notifications``.

Why ``Notify`` is called through a primed ``QDBusInterface``: its second argument (``replaces_id``) is a D-Bus
``uint32``, and PySide6 cannot say so: a Python ``int`` always goes out as ``int32`` (there is no ``QVariant``
to give it a type, PYSIDE-1904), and a strict server (anything on GDBus: dunst, GNOME Shell) rejects the call
("does not match expected type (susssasa{sv}i)"). A ``QDBusInterface`` converts arguments to the types of its
meta-object, which it builds from introspection data cached per connection and interface name. The server's own
introspection does not say which Qt type ``a{sv}`` is, so that method would be uncallable; so before the first
call the client introspects a tiny object of its own that declares the interface *with* Qt's type annotation
(:data:`INTROSPECTION`), on its private connection. The cached description is the specification's signature,
so nothing about the server is assumed beyond the spec. The typed call blocks for at most
:data:`CALL_TIMEOUT_MS` (servers answer in milliseconds; a hung server costs that once, then the tray is used).

Signals:
    server_changed(object): a probe finished: the :class:`ServerInfo`, or ``None`` when there is no service.
    action_invoked(str): the user chose an action (its key; ``"default"`` is a click on the notification).
    closed(int): our notification was closed (the spec's reason: 1 expired, 2 dismissed, 3 closed by call).
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Q_ARG, Q_RETURN_ARG, SLOT, ClassInfo, QMetaObject, QObject, Qt, Signal, Slot
from PySide6.QtDBus import (
    QDBusConnection,
    QDBusInterface,
    QDBusMessage,
    QDBusPendingCallWatcher,
    QDBusServiceWatcher,
)

log = logging.getLogger(__name__)

SERVICE = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
INTERFACE = "org.freedesktop.Notifications"
CONNECTION_NAME = "recipro-notifications"
SPEC_OBJECT_PATH = "/io/github/recipro/NotificationsSpec"
CALL_TIMEOUT_MS = 2000
EXPIRE_DEFAULT = -1  # the server's own timeout

INTROSPECTION = """<interface name="org.freedesktop.Notifications">
    <method name="Notify">
      <arg name="app_name" type="s" direction="in"/>
      <arg name="replaces_id" type="u" direction="in"/>
      <arg name="app_icon" type="s" direction="in"/>
      <arg name="summary" type="s" direction="in"/>
      <arg name="body" type="s" direction="in"/>
      <arg name="actions" type="as" direction="in"/>
      <arg name="hints" type="a{sv}" direction="in"/>
      <annotation name="org.qtproject.QtDBus.QtTypeName.In6" value="QVariantMap"/>
      <arg name="expire_timeout" type="i" direction="in"/>
      <arg name="id" type="u" direction="out"/>
    </method>
    <method name="CloseNotification">
      <arg name="id" type="u" direction="in"/>
    </method>
  </interface>
"""
"""The two methods we call, as the specification declares them, plus the Qt type of ``hints``."""


@dataclass(frozen=True, slots=True)
class ServerInfo:
    """Who serves notifications on this session, and what it can show."""

    name: str
    vendor: str
    version: str
    spec_version: str
    capabilities: frozenset[str]

    @property
    def actions(self) -> bool:
        """The server shows action buttons (or a menu of them) and reports the user's choice."""
        return "actions" in self.capabilities

    @property
    def body_markup(self) -> bool:
        """The server reads the body as markup: text must be escaped (and may be formatted)."""
        return "body-markup" in self.capabilities

    def describe(self) -> str:
        """``"dunst 1.9"``: the server's name and the first two parts of its version."""
        match = re.match(r"\d+(?:\.\d+)?", self.version.strip())
        version = match.group(0) if match else self.version.strip()[:20]
        return f"{self.name} {version}".strip() or "unnamed server"


def supported_platform(platform: str = sys.platform) -> bool:
    """Where notifications go through the freedesktop service (Windows and macOS keep the tray path)."""
    return platform.startswith(("linux", "freebsd", "openbsd", "netbsd", "dragonfly"))


# (PySide6 takes a dict for names that are not identifiers; its stub knows only keywords and no decorator use.)
@ClassInfo({"D-Bus Interface": INTERFACE, "D-Bus Introspection": INTROSPECTION})  # type: ignore[call-arg]
class _SpecDescription(QObject):  # type: ignore[operator]
    """Exported for a moment so that QtDBus caches :data:`INTROSPECTION` as the interface's meta-object."""


class DesktopNotifications(QObject):
    """One notification at a time on the freedesktop notification service.

    Args:
        bus: the connection to use (default: a private connection to the session bus); tests pass one to a bus
            they started.
        parent: the Qt parent.
        app_name: the ``app_name`` the server shows and groups by.
        app_icon: an icon name from the icon theme (the desktop entry's icon).
        desktop_entry: the desktop file id (without ``.desktop``), the ``desktop-entry`` hint.

    Signals: see the module docstring.
    """

    server_changed = Signal(object)
    action_invoked = Signal(str)
    closed = Signal(int)

    def __init__(
        self,
        bus: QDBusConnection | None = None,
        parent: QObject | None = None,
        *,
        app_name: str = "Recipro",
        app_icon: str = "",
        desktop_entry: str = "",
    ) -> None:
        super().__init__(parent)
        self._bus = (
            bus
            if bus is not None
            else QDBusConnection.connectToBus(QDBusConnection.BusType.SessionBus, CONNECTION_NAME)
        )
        self._app_name = app_name
        self._app_icon = app_icon
        self._hints: dict[str, object] = {"desktop-entry": desktop_entry} if desktop_entry else {}
        self._server: ServerInfo | None = None
        self._probed = False
        self._probing: dict[str, object] = {}
        self._watchers: list[QDBusPendingCallWatcher] = []
        self._iface: QDBusInterface | None = None
        self._current = 0
        self._service_watcher: QDBusServiceWatcher | None = None
        if self._bus.isConnected():
            for name, slot in (
                ("ActionInvoked", "_on_action(QDBusMessage)"),
                ("NotificationClosed", "_on_closed(QDBusMessage)"),
            ):
                # PySide6 takes the SLOT() string here (its stub says bytes, which it rejects at run time)
                if not self._bus.connect(SERVICE, PATH, INTERFACE, name, self, SLOT(slot)):  # type: ignore[call-overload]
                    log.warning("could not subscribe to %s", name)
            self._service_watcher = QDBusServiceWatcher(
                SERVICE, self._bus, QDBusServiceWatcher.WatchModeFlag.WatchForOwnerChange, self
            )
            self._service_watcher.serviceOwnerChanged.connect(self._on_owner_changed)

    # --- state -------------------------------------------------------------------------------------------

    @property
    def server(self) -> ServerInfo | None:
        """The server that answered the last probe; ``None`` before that or when there is none."""
        return self._server

    @property
    def probed(self) -> bool:
        """A probe has finished (with or without a server)."""
        return self._probed

    @property
    def current_id(self) -> int:
        """The server's id of the notification on screen (0: none)."""
        return self._current

    # --- probing -----------------------------------------------------------------------------------------

    def probe(self) -> None:
        """Ask the server who it is and what it can do (asynchronously); :attr:`server_changed` tells."""
        if not self._bus.isConnected():
            log.info("desktop notifications: no session bus")
            self._set_server(None)
            return
        self._probing = {}
        for method in ("GetServerInformation", "GetCapabilities"):
            call = self._bus.asyncCall(QDBusMessage.createMethodCall(SERVICE, PATH, INTERFACE, method), CALL_TIMEOUT_MS)
            watcher = QDBusPendingCallWatcher(call, self)
            watcher.finished.connect(lambda w, m=method: self._on_probe_reply(m, w))
            self._watchers.append(watcher)

    def _on_probe_reply(self, method: str, watcher: QDBusPendingCallWatcher) -> None:
        if watcher in self._watchers:
            self._watchers.remove(watcher)
        watcher.deleteLater()
        reply = watcher.reply()
        if reply.type() != QDBusMessage.MessageType.ReplyMessage:
            if "error" not in self._probing:
                log.info("desktop notifications: no notification service (%s)", reply.errorName())
                self._probing["error"] = reply.errorName()
                self._set_server(None)
            return
        self._probing[method] = reply.arguments()
        if "error" in self._probing or len(self._probing) < 2:
            return
        info = [str(a) for a in self._probing["GetServerInformation"]]  # type: ignore[attr-defined]
        caps_args = self._probing["GetCapabilities"]
        caps = caps_args[0] if isinstance(caps_args, list) and caps_args else []
        if len(info) < 4:
            self._set_server(None)
            return
        server = ServerInfo(info[0], info[1], info[2], info[3], frozenset(str(c) for c in caps))
        log.info("desktop notifications: %s (%d capabilities)", server.describe(), len(server.capabilities))
        self._set_server(server)

    def _set_server(self, server: ServerInfo | None) -> None:
        self._server = server
        self._probed = True
        if server is None:
            self._current = 0
        self.server_changed.emit(server)

    def _on_owner_changed(self, _service: str, _old: str, new: str) -> None:
        log.info("desktop notifications: the service %s", "has a new owner" if new else "went away")
        self._current = 0
        self.probe()

    # --- notifications -----------------------------------------------------------------------------------

    def _interface(self) -> QDBusInterface:
        """The typed interface (see the module docstring for why the description is primed first)."""
        if self._iface is None:
            spec = _SpecDescription(self)
            registered = self._bus.registerObject(SPEC_OBJECT_PATH, spec, QDBusConnection.RegisterOption.ExportAllSlots)
            QDBusInterface(self._bus.baseService(), SPEC_OBJECT_PATH, INTERFACE, self._bus)  # caches the description
            if registered:
                self._bus.unregisterObject(SPEC_OBJECT_PATH)
            spec.deleteLater()
            self._iface = QDBusInterface(SERVICE, PATH, INTERFACE, self._bus, self)
            self._iface.setTimeout(CALL_TIMEOUT_MS)
        return self._iface

    def notify(
        self,
        summary: str,
        body: str,
        actions: Sequence[tuple[str, str]] = (),
        *,
        hints: Mapping[str, object] | None = None,
        expire_ms: int = EXPIRE_DEFAULT,
    ) -> bool:
        """Show (or replace) our notification; False when there is no server or it refused.

        ``summary`` and ``body`` go out as given: the caller makes them safe (escaping only for ``body_markup``
        servers). ``actions`` are (key, label) pairs, sent only to servers that advertise ``actions``.
        """
        server = self._server
        if server is None or not self._bus.isConnected():
            return False
        flat: list[str] = []
        if server.actions:
            for key, label in actions:
                flat += [key, label]
        iface = self._interface()
        try:
            new_id = QMetaObject.invokeMethod(
                iface,
                "Notify",
                Qt.ConnectionType.DirectConnection,
                Q_RETURN_ARG("uint"),
                Q_ARG("QString", self._app_name),
                Q_ARG("uint", self._current),
                Q_ARG("QString", self._app_icon),
                Q_ARG("QString", summary),
                Q_ARG("QString", body),
                Q_ARG("QStringList", flat),
                Q_ARG("QVariantMap", {**self._hints, **(hints or {})}),
                Q_ARG("int", expire_ms),
            )
        except RuntimeError as exc:  # the method is not in the meta-object: nothing was sent
            log.warning("desktop notification not sent: %s", type(exc).__name__)
            return False
        error = iface.lastError()
        if error.isValid() or not isinstance(new_id, int) or new_id <= 0:
            log.warning("desktop notification refused: %s", error.name() or "no id")
            self._current = 0
            self.probe()  # the server may have gone: look again, the caller falls back meanwhile
            return False
        self._current = new_id
        return True

    def close(self) -> None:
        """Take our notification down (if one is on screen)."""
        if not self._current or self._iface is None:
            return
        notification, self._current = self._current, 0
        try:
            QMetaObject.invokeMethod(
                self._iface, "CloseNotification", Qt.ConnectionType.DirectConnection, Q_ARG("uint", notification)
            )
        except RuntimeError as exc:
            log.warning("desktop notification not closed: %s", type(exc).__name__)

    # --- the server's signals ----------------------------------------------------------------------------

    @Slot(QDBusMessage)
    def _on_action(self, message: QDBusMessage) -> None:
        args = message.arguments()
        if len(args) >= 2 and self._current and args[0] == self._current:
            log.info("desktop notification action: %s", args[1] if args[1] in ("default", "done", "snooze") else "?")
            self.action_invoked.emit(str(args[1]))

    @Slot(QDBusMessage)
    def _on_closed(self, message: QDBusMessage) -> None:
        args = message.arguments()
        if len(args) >= 2 and self._current and args[0] == self._current:
            self._current = 0
            self.closed.emit(int(args[1]))
