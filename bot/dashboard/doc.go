// Package dashboard is the admins' web dashboard, served under /admin/ on
// http.addr by `agreementbot serve` and `agreementbot run`: a log-in with
// Discord (OAuth2's authorization-code flow, golang.org/x/oauth2); the
// overview (questions per hour and per day by outcome, drawn by the
// server as SVG stacked bars with their numbers in tables) and the
// unanswered and voted-down questions, both read from the activity
// history through [ActivityReader]; the teach page, which searches the
// serving knowledge.Index and teaches a question as a fact's phrasing
// through a [Teacher]; a test pane that asks the index and shows its
// explanation; and the sources page (list, upload, delete, the last
// reload's changes). Sources and teaching change the facts through the
// bot's own /reload path.
//
// Access is for the users in admins.user_ids and those with Manage Server
// (or Administrator) on a guild of discord.guild_ids, checked at log-in
// and again every few minutes with the stored Discord token; a session
// whose access is gone ends. Sessions live in HMAC-signed cookies
// (HttpOnly, SameSite=Lax, Secure behind https) holding the Discord token
// sealed with AES-GCM; every form carries the session's CSRF token. No
// route under /admin/ but the log-in and its callback answers without a
// session: the route table ([Dashboard.Routes]) marks the two, and the
// tests walk it.
//
// Pages are html/template, embedded, usable without JavaScript and by
// keyboard alone, in English and Spanish (locales/*.json, chosen by
// ?lang= or the Accept-Language header). The package depends on the
// knowledge root and the bot's types, never on discordgo or SQLite.
package dashboard
