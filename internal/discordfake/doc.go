// Package discordfake is an in-process fake of the Discord REST API and
// Gateway for end-to-end tests of bots written with
// github.com/bwmarrin/discordgo (v0.29.0). The bot under test runs
// discordgo's real code: its REST calls and its WebSocket gateway
// connection both terminate in a local [httptest.Server] owned by a
// [Server].
//
// # What is faked
//
// REST (any /api/vN prefix, discordgo uses v9): GET gateway and
// gateway/bot, GET users/@me and users/{id}, POST users/@me/channels (DM
// channel), application command list/bulk-overwrite/create/get/delete
// (global and per guild), POST interactions/{id}/{token}/callback, the
// interaction webhook routes (GET/PATCH/DELETE .../messages/@original,
// POST webhooks/{app}/{token} follow-ups, GET/PATCH/DELETE follow-ups),
// channel messages (POST/GET/PATCH/DELETE), reactions, typing, GET
// channels/{id} and GET guilds/{g}/members/{u}; and OAuth2's
// authorization-code flow: GET oauth2/authorize (approves at once for the
// user logged in by [LoginCookie], redirecting with a code and the state),
// POST oauth2/token (codes, once, and refresh tokens; the client by
// [Options.ClientSecret]), and GET users/@me and users/@me/guilds (with
// permissions) for a Bearer token ([Server.SetOAuthUser],
// [Server.RevokeOAuth]). JSON and
// multipart/form-data bodies (payload_json plus files[n]) are understood.
// Files uploaded by the bot and files registered with
// [Server.AddAttachment] are served at /attachments/... over plain HTTP.
// Any other route answers 404 {"message": "404: Not Found", "code": 0} and
// is recorded (see [Server.UnknownRequests]). Every request is recorded
// ([Server.Requests]); typed views exist for interaction responses,
// messages and commands, with Wait* methods that block on state changes
// (no polling).
//
// The gateway (gorilla/websocket) sends HELLO, answers IDENTIFY with READY
// (plus GUILD_CREATE for [Options.Guilds]), acknowledges heartbeats,
// supports RESUME with replay of missed dispatches, and answers a RESUME
// for an unknown or invalidated session with op 9. A wrong token in
// IDENTIFY closes the socket with code 4004; a wrong Authorization header
// on REST yields 401, a shard array out of range 4010. The gateway
// honours IDENTIFY's shard array as Discord does: each session receives
// only the events of its shard's guilds (shard (guild_id >> 22) % shard
// count, see [GuildShard]) and direct messages only reach shard 0; GET
// gateway/bot recommends [Options.Shards] with [Options.MaxConcurrency],
// and [Server.Identified] records which shard identified when, and
// [Server.Deliveries] which shard each event went to. Tests inject
// events with [Server.Dispatch],
// [Server.DispatchInteraction] and [Server.DispatchMessage], and exercise
// reconnects with [Server.DropConnections] and [Server.RequestReconnect].
//
// # Pointing discordgo at the fake
//
// discordgo v0.29.0 derives every endpoint from package-level variables
// (EndpointAPI, EndpointChannels, EndpointWebhooks, ...) computed once at
// package initialisation from "https://discord.com/api/v9/", so
// reassigning EndpointDiscord or EndpointAPI alone has no effect and
// reassigning them all would be global state. The fake instead works per
// session: [Server.Configure] replaces Session.Client with a client whose
// transport rewrites the scheme and host of every request addressed to
// discord.com, discordapp.com, *.discordapp.net (and subdomains) to the
// fake, keeping the path. The gateway URL needs no override: discordgo's
// Session.Open asks GET /api/v9/gateway for it (the session field holding
// it is unexported), and the fake answers with its own ws:// URL. Several
// fakes and sessions can therefore run in parallel tests.
//
//	f := discordfake.New(discordfake.Options{Token: "test-token"})
//	t.Cleanup(f.Close)
//	s, err := discordgo.New("Bot test-token")
//	if err != nil { t.Fatal(err) }
//	f.Configure(s)
//	if err := s.Open(); err != nil { t.Fatal(err) }
//	t.Cleanup(func() { _ = s.Close() }) // runs before f.Close
//
// Close the session before the fake (t.Cleanup runs in reverse order):
// a session whose gateway disappears reconnects forever with back-off.
// Note that discordgo's Session.Close sleeps one second.
//
// A bot that builds its own session from an "API base URL" setting can
// reach the fake by installing an equivalent rewriting transport on
// Session.Client; [Server.Transport] and [Server.HTTPClient] expose the
// fake's.
//
// # discordgo behaviour worth knowing
//
// discordgo v0.29.0 ignores resume_gateway_url: after a dropped connection
// it closes the session (Session.Close always sleeps 1 s), redials the
// gateway URL cached from the first Open and sends RESUME with the last
// sequence number it saw; the fake then replays the missed dispatches and
// sends RESUMED. On op 9 it re-IDENTIFYs on the same connection. On op 7
// it closes with code 1012 and resumes. A client closing with 1000/1001
// ends its session, as on Discord.
//
// discordgo forces a reconnect when no heartbeat ACK arrived within five
// heartbeat intervals, so very short intervals combined with a loaded
// machine (-race, hundreds of concurrent interactions) can cause spurious
// reconnects; 500 ms has proved fine. Its heartbeat goroutine also races
// with Session.Close; see [Server.WaitHeartbeat] for how reconnect tests
// avoid that. Handlers run in their own goroutines unless
// Session.SyncEvents is set, so events may be handled out of order.
//
// Bursts of hundreds of fresh loopback connections can stall for seconds
// in some environments; [Server.Transport] therefore caps and reuses its
// connections, much like discordgo's single HTTP/2 connection to Discord.
package discordfake
