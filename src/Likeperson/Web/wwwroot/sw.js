// Likeperson's service worker, served at /sw.js so that its scope is the whole site (Web/InstallableApp.cs). It shows the
// server's Web Push messages (Notifications/WebPushPayload.cs: {title, body, deep_link, type, notification_id, mentor_id,
// tag, icon}) and opens a notification's deep link when it is clicked. The tag is per mentor ("mentor-<id>"), so a pause
// and the reactivation after it replace each other on the device instead of piling up.
"use strict";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("push", (event) => {
  let message = {};
  try { message = event.data ? event.data.json() : {}; } catch { message = { body: event.data ? event.data.text() : "" }; }
  const options = {
    body: message.body || "",
    icon: message.icon || "/assets/icons/icon-192.png",
    data: { deep_link: message.deep_link || "/notifications", notification_id: message.notification_id || null, type: message.type || null },
  };
  if (message.tag) { options.tag = message.tag; options.renotify = true; } // the replacement still alerts
  event.waitUntil(self.registration.showNotification(message.title || "Likeperson", options));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.deep_link) || "/", self.location.origin);
  if (target.origin !== self.location.origin) return; // only our own pages
  event.waitUntil(openDeepLink(target.href));
});

/** Focuses an open tab (or the installed app's window) of the site and takes it to the link; opens one when there is none. */
async function openDeepLink(url) {
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const tab = windows.find((w) => new URL(w.url).origin === self.location.origin);
  if (!tab) return self.clients.openWindow(url);
  const focused = await tab.focus().catch(() => tab);
  try {
    if (focused.navigate) return (await focused.navigate(url)) || focused;
  } catch { /* not controlled by this worker yet: the page navigates itself */ }
  focused.postMessage({ type: "lp:navigate", url });
  return focused;
}
