package discordfake

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Discord JSON error codes used by the fake.
const (
	codeUnknownChannel      = 10003
	codeUnknownMember       = 10007
	codeUnknownMessage      = 10008
	codeUnknownUser         = 10013
	codeUnknownWebhook      = 10015
	codeUnknownCommand      = 10063
	codeUnknownInteraction  = 10062
	codeAlreadyAcknowledged = 40060
	codeMissingAccess       = 50001
	codeCannotEditOthers    = 50005
	codeInvalidFormBody     = 50035
)

// maxBody bounds request bodies.
const maxBody = 64 << 20

// route is one REST route.
type route struct {
	method string
	name   string // e.g. "POST /channels/{channel}/messages"
	segs   []string
	api    bool // under /api[/vN]
	noAuth bool
	// bearer: an OAuth2 access token the fake issued authorizes it too
	// (call.token is then set).
	bearer bool
	h      func(*call) response
}

// call is one request being handled.
type call struct {
	r     *http.Request
	req   *Request
	p     map[string]string
	token *oauthToken // the access token that authorized it, if any
}

// response is a handler's result.
type response struct {
	status int
	body   any    // JSON-encoded unless nil
	raw    []byte // sent as-is with rawType when body is nil
	rawTyp string
	// location is the Location header of a redirect.
	location string
}

// apiErr builds a Discord-style JSON error response.
func apiErr(status, code int, msg string) response {
	return response{status: status, body: map[string]any{"message": msg, "code": code}}
}

// ok builds a 200 JSON response.
func ok(v any) response { return response{status: http.StatusOK, body: v} }

// noContent is a 204 response.
var noContent = response{status: http.StatusNoContent}

// versionSeg matches the API version path segment.
var versionSeg = regexp.MustCompile(`^v[0-9]+$`)

// buildRoutes returns the route table. Literal segments take precedence
// because routes are matched in order.
func (f *Server) buildRoutes() []*route {
	var rs []*route
	add := func(method, pattern string, h func(*call) response) *route {
		rt := &route{method: method, name: method + " " + pattern, segs: strings.Split(strings.Trim(pattern, "/"), "/"), api: true, h: h}
		rs = append(rs, rt)
		return rt
	}
	add("GET", "/gateway", f.getGateway).noAuth = true
	add("GET", "/gateway/bot", f.getGatewayBot)
	add("GET", "/users/@me", f.getMe).bearer = true
	add("GET", "/users/@me/guilds", f.getMyGuilds).bearer = true
	add("GET", "/oauth2/authorize", f.authorize).noAuth = true
	add("POST", "/oauth2/token", f.token).noAuth = true
	add("POST", "/users/@me/channels", f.createDM)
	add("GET", "/users/{user}", f.getUser)
	for _, prefix := range []string{"/applications/{app}/commands", "/applications/{app}/guilds/{guild}/commands"} {
		add("GET", prefix, f.listCommands)
		add("PUT", prefix, f.overwriteCommands)
		add("POST", prefix, f.createCommand)
		add("GET", prefix+"/{cmd}", f.getCommand)
		add("PATCH", prefix+"/{cmd}", f.editCommand)
		add("DELETE", prefix+"/{cmd}", f.deleteCommand)
	}
	add("POST", "/interactions/{id}/{token}/callback", f.interactionCallback)
	add("POST", "/webhooks/{app}/{token}", f.createFollowup)
	add("GET", "/webhooks/{app}/{token}/messages/{msg}", f.getWebhookMessage)
	add("PATCH", "/webhooks/{app}/{token}/messages/{msg}", f.editWebhookMessage)
	add("DELETE", "/webhooks/{app}/{token}/messages/{msg}", f.deleteWebhookMessage)
	add("GET", "/channels/{channel}", f.getChannel)
	add("POST", "/channels/{channel}/messages", f.createChannelMessage)
	add("GET", "/channels/{channel}/messages/{msg}", f.getChannelMessage)
	add("PATCH", "/channels/{channel}/messages/{msg}", f.editChannelMessage)
	add("DELETE", "/channels/{channel}/messages/{msg}", f.deleteChannelMessage)
	add("PUT", "/channels/{channel}/messages/{msg}/reactions/{emoji}/@me", func(*call) response { return noContent })
	add("DELETE", "/channels/{channel}/messages/{msg}/reactions/{emoji}/@me", func(*call) response { return noContent })
	add("POST", "/channels/{channel}/typing", func(*call) response { return noContent })
	add("GET", "/guilds/{guild}/members/{user}", f.getMember)

	att := add("GET", "/attachments/{id}/{name}", f.getAttachment)
	att.api, att.noAuth = false, true
	return rs
}

// match finds the route for method and the unescaped path segments.
func (f *Server) match(method string, segs []string, api bool) (*route, map[string]string) {
	for _, rt := range f.routes {
		if rt.api != api || rt.method != method || len(rt.segs) != len(segs) {
			continue
		}
		params := map[string]string{}
		matched := true
		for i, s := range rt.segs {
			if strings.HasPrefix(s, "{") {
				if segs[i] == "" {
					matched = false
					break
				}
				params[strings.Trim(s, "{}")] = segs[i]
			} else if s != segs[i] {
				matched = false
				break
			}
		}
		if matched {
			return rt, params
		}
	}
	return nil, nil
}

// ServeHTTP implements http.Handler: the REST API, hosted attachments and
// the gateway WebSocket endpoint.
func (f *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == wsPath || r.URL.Path == wsPath+"/" {
		f.serveGateway(w, r)
		return
	}
	req := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone()}
	res, parseErr := f.readBody(r, &req)
	if parseErr == nil {
		res = f.handle(r, &req)
	} else {
		f.mu.Lock()
		f.record(&req, res)
		f.mu.Unlock()
	}
	f.log.Debug("rest", "method", r.Method, "path", r.URL.Path, "status", res.status)
	if res.body != nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(res.status)
		_, _ = w.Write(req.Response)
		return
	}
	if res.rawTyp != "" {
		w.Header().Set("Content-Type", res.rawTyp)
	}
	if res.location != "" {
		w.Header().Set("Location", res.location)
	}
	w.WriteHeader(res.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(res.raw)
	}
}

// readBody fills req.Body and req.Files from a JSON or multipart body.
// On failure it returns a 400 response and a non-nil error.
func (f *Server) readBody(r *http.Request, req *Request) (response, error) {
	bad := func(err error) (response, error) {
		return apiErr(http.StatusBadRequest, codeInvalidFormBody, "Invalid Form Body: "+err.Error()), err
	}
	ct, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "multipart/form-data" {
		mr := multipart.NewReader(io.LimitReader(r.Body, maxBody), params["boundary"])
		for {
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return bad(err)
			}
			data, err := io.ReadAll(part)
			if err != nil {
				return bad(err)
			}
			switch {
			case part.FormName() == "payload_json":
				req.Body = data
			case part.FileName() != "":
				req.Files = append(req.Files, File{Field: part.FormName(), Name: part.FileName(), ContentType: part.Header.Get("Content-Type"), Data: data})
			}
		}
	} else {
		data, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
		if err != nil {
			return bad(err)
		}
		if ct == "application/x-www-form-urlencoded" {
			req.Form, err = url.ParseQuery(string(data))
			if err != nil {
				return bad(err)
			}
			return response{}, nil
		}
		if len(bytes.TrimSpace(data)) > 0 {
			req.Body = data
		}
	}
	if req.Body != nil && !json.Valid(req.Body) {
		return bad(errors.New("body is not valid JSON"))
	}
	return response{}, nil
}

// handle routes a request and records it, all under f.mu.
func (f *Server) handle(r *http.Request, req *Request) response {
	segs := splitPath(r.URL.EscapedPath())
	api := false
	if len(segs) > 0 && segs[0] == "api" {
		api = true
		segs = segs[1:]
		if len(segs) > 0 && versionSeg.MatchString(segs[0]) {
			segs = segs[1:]
		}
	}
	method := r.Method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	rt, params := f.match(method, segs, api)
	var res response
	switch {
	case rt == nil:
		res = apiErr(http.StatusNotFound, 0, "404: Not Found")
	case rt.bearer && strings.HasPrefix(r.Header.Get("Authorization"), "Bearer "):
		req.Route = rt.name
		if t, found := f.bearer(r); found {
			res = rt.h(&call{r: r, req: req, p: params, token: &t})
		} else {
			res = apiErr(http.StatusUnauthorized, 0, "401: Unauthorized")
		}
	case !rt.noAuth && r.Header.Get("Authorization") != "Bot "+f.opts.Token:
		req.Route = rt.name
		res = apiErr(http.StatusUnauthorized, 0, "401: Unauthorized")
	default:
		req.Route = rt.name
		res = rt.h(&call{r: r, req: req, p: params})
	}
	f.record(req, res)
	return res
}

// record encodes the response into req and appends req. f.mu must be held.
func (f *Server) record(req *Request, res response) {
	req.Status = res.status
	if res.body != nil {
		raw, err := encodeBody(res.body)
		if err != nil {
			raw, _ = json.Marshal(map[string]any{"message": err.Error(), "code": 0})
		}
		req.Response = raw
	}
	f.requests = append(f.requests, *req)
	f.notify()
}

// encodeBody JSON-encodes a response body, keeping message components.
func encodeBody(v any) (json.RawMessage, error) {
	switch b := v.(type) {
	case json.RawMessage:
		return b, nil
	case *discordgo.Message:
		return marshalMessage(b)
	}
	return json.Marshal(v)
}

// splitPath splits an escaped URL path into unescaped segments.
func splitPath(p string) []string {
	segs := strings.Split(strings.Trim(p, "/"), "/")
	for i, s := range segs {
		if u, err := url.PathUnescape(s); err == nil {
			segs[i] = u
		}
	}
	return segs
}

// --- gateway discovery ---

// getGateway serves GET gateway.
func (f *Server) getGateway(*call) response {
	return ok(map[string]string{"url": f.wsURL})
}

// getGatewayBot serves GET gateway/bot (see [Server.gatewayBot]).
func (f *Server) getGatewayBot(*call) response { return ok(f.gatewayBot()) }

// --- users, channels, members ---

// getUser serves GET users/{user}.
func (f *Server) getUser(c *call) response {
	if u, found := f.users[c.p["user"]]; found {
		return ok(u)
	}
	return apiErr(http.StatusNotFound, codeUnknownUser, "Unknown User")
}

// createDM serves POST users/@me/channels.
func (f *Server) createDM(c *call) response {
	var body struct {
		RecipientID string `json:"recipient_id"`
	}
	if err := json.Unmarshal(c.req.Body, &body); err != nil || body.RecipientID == "" {
		return apiErr(http.StatusBadRequest, codeInvalidFormBody, "Invalid Form Body")
	}
	if id, found := f.dmByUser[body.RecipientID]; found {
		if ch, found := f.channels[id]; found {
			return ok(ch)
		}
	}
	u := f.users[body.RecipientID]
	if u == nil {
		u = &discordgo.User{ID: body.RecipientID, Username: "user-" + body.RecipientID}
	}
	ch := &discordgo.Channel{ID: f.ids.next(), Type: discordgo.ChannelTypeDM, Recipients: []*discordgo.User{u}}
	f.channels[ch.ID] = ch
	f.dmByUser[u.ID] = ch.ID
	return ok(ch)
}

// getChannel serves GET channels/{channel}.
func (f *Server) getChannel(c *call) response {
	if ch, found := f.channels[c.p["channel"]]; found {
		return ok(ch)
	}
	return apiErr(http.StatusNotFound, codeUnknownChannel, "Unknown Channel")
}

// getMember serves GET guilds/{guild}/members/{user}.
func (f *Server) getMember(c *call) response {
	if m, found := f.members[c.p["guild"]+"/"+c.p["user"]]; found {
		return ok(m)
	}
	return apiErr(http.StatusNotFound, codeUnknownMember, "Unknown Member")
}

// getAttachment serves hosted files.
func (f *Server) getAttachment(c *call) response {
	p := "/attachments/" + c.p["id"] + "/" + url.PathEscape(c.p["name"])
	file, found := f.files[p]
	if !found {
		return apiErr(http.StatusNotFound, 0, "404: Not Found")
	}
	typ := file.contentType
	if typ == "" {
		typ = mime.TypeByExtension(extOf(c.p["name"]))
	}
	if typ == "" {
		typ = http.DetectContentType(file.data)
	}
	return response{status: http.StatusOK, raw: file.data, rawTyp: typ}
}

// extOf returns the extension of name including the dot.
func extOf(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i:]
	}
	return ""
}

// --- application commands ---

// checkApp verifies the {app} parameter.
func (f *Server) checkApp(c *call) (response, bool) {
	if c.p["app"] != f.opts.ApplicationID {
		return apiErr(http.StatusForbidden, codeMissingAccess, "Missing Access"), false
	}
	return response{}, true
}

// listCommands serves GET applications/{app}[/guilds/{guild}]/commands.
func (f *Server) listCommands(c *call) response {
	if res, good := f.checkApp(c); !good {
		return res
	}
	cmds := f.commands[c.p["guild"]]
	if cmds == nil {
		cmds = []*discordgo.ApplicationCommand{}
	}
	return ok(cmds)
}

// findCommand returns the index of the command with the given name and
// type in list, or -1.
func findCommand(list []*discordgo.ApplicationCommand, name string, typ discordgo.ApplicationCommandType) int {
	for i, cmd := range list {
		if cmd.Name == name && normType(cmd.Type) == normType(typ) {
			return i
		}
	}
	return -1
}

// normType maps the zero command type to chat input.
func normType(t discordgo.ApplicationCommandType) discordgo.ApplicationCommandType {
	if t == 0 {
		return discordgo.ChatApplicationCommand
	}
	return t
}

// stampCommand assigns identity fields to a stored command.
func (f *Server) stampCommand(cmd *discordgo.ApplicationCommand, guildID, id string) {
	if id == "" {
		id = f.ids.next()
	}
	cmd.ID = id
	cmd.ApplicationID = f.opts.ApplicationID
	cmd.GuildID = guildID
	cmd.Version = f.ids.next()
	cmd.Type = normType(cmd.Type)
}

// overwriteCommands serves the bulk overwrite PUT: existing commands with
// the same name and type keep their IDs.
func (f *Server) overwriteCommands(c *call) response {
	if res, good := f.checkApp(c); !good {
		return res
	}
	var cmds []*discordgo.ApplicationCommand
	if !isNull(c.req.Body) {
		if err := json.Unmarshal(c.req.Body, &cmds); err != nil {
			return apiErr(http.StatusBadRequest, codeInvalidFormBody, "Invalid Form Body: "+err.Error())
		}
	}
	guild := c.p["guild"]
	old := f.commands[guild]
	out := make([]*discordgo.ApplicationCommand, 0, len(cmds))
	for _, cmd := range cmds {
		if cmd == nil || cmd.Name == "" {
			return apiErr(http.StatusBadRequest, codeInvalidFormBody, "Invalid Form Body: command name required")
		}
		if findCommand(out, cmd.Name, cmd.Type) >= 0 {
			return apiErr(http.StatusBadRequest, codeInvalidFormBody, "Invalid Form Body: duplicate command "+cmd.Name)
		}
		id := ""
		if i := findCommand(old, cmd.Name, cmd.Type); i >= 0 {
			id = old[i].ID
		}
		f.stampCommand(cmd, guild, id)
		out = append(out, cmd)
	}
	f.commands[guild] = out
	return ok(out)
}

// createCommand serves POST (create or replace by name).
func (f *Server) createCommand(c *call) response {
	if res, good := f.checkApp(c); !good {
		return res
	}
	var cmd discordgo.ApplicationCommand
	if err := json.Unmarshal(c.req.Body, &cmd); err != nil || cmd.Name == "" {
		return apiErr(http.StatusBadRequest, codeInvalidFormBody, "Invalid Form Body")
	}
	guild := c.p["guild"]
	list := append([]*discordgo.ApplicationCommand(nil), f.commands[guild]...)
	if i := findCommand(list, cmd.Name, cmd.Type); i >= 0 {
		f.stampCommand(&cmd, guild, list[i].ID)
		list[i] = &cmd
	} else {
		f.stampCommand(&cmd, guild, "")
		list = append(list, &cmd)
	}
	f.commands[guild] = list
	return response{status: http.StatusCreated, body: &cmd}
}

// commandIndex finds {cmd} in the addressed list.
func (f *Server) commandIndex(c *call) int {
	for i, cmd := range f.commands[c.p["guild"]] {
		if cmd.ID == c.p["cmd"] {
			return i
		}
	}
	return -1
}

// getCommand serves GET .../commands/{cmd}.
func (f *Server) getCommand(c *call) response {
	if res, good := f.checkApp(c); !good {
		return res
	}
	i := f.commandIndex(c)
	if i < 0 {
		return apiErr(http.StatusNotFound, codeUnknownCommand, "Unknown application command")
	}
	return ok(f.commands[c.p["guild"]][i])
}

// editCommand serves PATCH .../commands/{cmd} (fields present replace).
func (f *Server) editCommand(c *call) response {
	if res, good := f.checkApp(c); !good {
		return res
	}
	i := f.commandIndex(c)
	if i < 0 {
		return apiErr(http.StatusNotFound, codeUnknownCommand, "Unknown application command")
	}
	guild := c.p["guild"]
	list := append([]*discordgo.ApplicationCommand(nil), f.commands[guild]...)
	// Start from a deep copy (via JSON) so that decoding the patch never
	// writes into slices shared with previously returned commands.
	var cmd discordgo.ApplicationCommand
	old, err := json.Marshal(list[i])
	if err == nil {
		err = json.Unmarshal(old, &cmd)
	}
	if err == nil {
		err = json.Unmarshal(c.req.Body, &cmd)
	}
	if err != nil {
		return apiErr(http.StatusBadRequest, codeInvalidFormBody, "Invalid Form Body")
	}
	f.stampCommand(&cmd, guild, list[i].ID)
	list[i] = &cmd
	f.commands[guild] = list
	return ok(&cmd)
}

// deleteCommand serves DELETE .../commands/{cmd}.
func (f *Server) deleteCommand(c *call) response {
	if res, good := f.checkApp(c); !good {
		return res
	}
	i := f.commandIndex(c)
	if i < 0 {
		return apiErr(http.StatusNotFound, codeUnknownCommand, "Unknown application command")
	}
	guild := c.p["guild"]
	list := append([]*discordgo.ApplicationCommand(nil), f.commands[guild][:i]...)
	f.commands[guild] = append(list, f.commands[guild][i+1:]...)
	return noContent
}

// --- messages ---

// newMessageLocked builds a bot-authored message from a create payload
// (MessageSend, WebhookParams or InteractionResponseData) and hosts its
// files. f.mu must be held.
func (f *Server) newMessageLocked(raw json.RawMessage, files []File, channelID string) (*discordgo.Message, error) {
	var m discordgo.Message
	if !isNull(raw) {
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, err
		}
	}
	m.ID = f.ids.next()
	m.ChannelID = channelID
	if ch := f.channels[channelID]; ch != nil {
		m.GuildID = ch.GuildID
	}
	m.Author = f.botUser
	m.Timestamp = time.Now().UTC()
	m.EditedTimestamp = nil
	m.Attachments = f.hostFilesLocked(files, nil)
	if m.Embeds == nil {
		m.Embeds = []*discordgo.MessageEmbed{}
	}
	return &m, nil
}

// hostFilesLocked hosts uploaded files, sets their URLs and returns keep
// followed by attachments describing them. f.mu must be held.
func (f *Server) hostFilesLocked(files []File, keep []*discordgo.MessageAttachment) []*discordgo.MessageAttachment {
	out := append([]*discordgo.MessageAttachment{}, keep...)
	for i := range files {
		a := f.attachmentLocked(files[i])
		files[i].URL = a.URL
		out = append(out, a)
	}
	return out
}

// editMessageLocked applies an edit payload (MessageEdit, WebhookEdit or
// InteractionResponseData) to old, returning a new message value; fields
// absent from the payload are kept. f.mu must be held.
func (f *Server) editMessageLocked(old *discordgo.Message, raw json.RawMessage, files []File) (*discordgo.Message, error) {
	var fields map[string]json.RawMessage
	var upd discordgo.Message
	if !isNull(raw) {
		if err := json.Unmarshal(raw, &fields); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(raw, &upd); err != nil {
			return nil, err
		}
	}
	m := *old
	has := func(k string) bool { _, found := fields[k]; return found }
	if has("content") {
		m.Content = upd.Content
	}
	if has("embeds") {
		m.Embeds = upd.Embeds
	}
	if has("components") {
		m.Components = upd.Components
	}
	if has("flags") {
		m.Flags = upd.Flags
	}
	keep := m.Attachments
	if has("attachments") {
		keep = nil
		for _, a := range old.Attachments {
			for _, k := range upd.Attachments {
				if k != nil && k.ID == a.ID {
					keep = append(keep, a)
				}
			}
		}
	}
	m.Attachments = f.hostFilesLocked(files, keep)
	now := time.Now().UTC()
	m.EditedTimestamp = &now
	return &m, nil
}

// sentLocked records a sent message. f.mu must be held.
func (f *Server) sentLocked(kind MessageKind, interactionID string, m *discordgo.Message, c *call) {
	f.sent = append(f.sent, SentMessage{
		Kind:          kind,
		ChannelID:     m.ChannelID,
		InteractionID: interactionID,
		Message:       m,
		Files:         c.req.Files,
		Body:          c.req.Body,
	})
}

// createChannelMessage serves POST channels/{channel}/messages.
func (f *Server) createChannelMessage(c *call) response {
	if isNull(c.req.Body) && len(c.req.Files) == 0 {
		return apiErr(http.StatusBadRequest, 50006, "Cannot send an empty message")
	}
	m, err := f.newMessageLocked(c.req.Body, c.req.Files, c.p["channel"])
	if err != nil {
		return apiErr(http.StatusBadRequest, codeInvalidFormBody, "Invalid Form Body: "+err.Error())
	}
	f.messages[m.ID] = m
	f.sentLocked(KindChannelMessage, "", m, c)
	return ok(m)
}

// channelMessage finds {msg} in {channel}.
func (f *Server) channelMessage(c *call) *discordgo.Message {
	m := f.messages[c.p["msg"]]
	if m == nil || m.ChannelID != c.p["channel"] {
		return nil
	}
	return m
}

// getChannelMessage serves GET channels/{channel}/messages/{msg}.
func (f *Server) getChannelMessage(c *call) response {
	if m := f.channelMessage(c); m != nil {
		return ok(m)
	}
	return apiErr(http.StatusNotFound, codeUnknownMessage, "Unknown Message")
}

// editChannelMessage serves PATCH channels/{channel}/messages/{msg}.
func (f *Server) editChannelMessage(c *call) response {
	old := f.channelMessage(c)
	if old == nil {
		return apiErr(http.StatusNotFound, codeUnknownMessage, "Unknown Message")
	}
	if old.Author == nil || old.Author.ID != f.botUser.ID {
		return apiErr(http.StatusForbidden, codeCannotEditOthers, "Cannot edit a message authored by another user")
	}
	m, err := f.editMessageLocked(old, c.req.Body, c.req.Files)
	if err != nil {
		return apiErr(http.StatusBadRequest, codeInvalidFormBody, "Invalid Form Body: "+err.Error())
	}
	f.messages[m.ID] = m
	f.sentLocked(KindChannelEdit, "", m, c)
	return ok(m)
}

// deleteChannelMessage serves DELETE channels/{channel}/messages/{msg}.
func (f *Server) deleteChannelMessage(c *call) response {
	if f.channelMessage(c) == nil {
		return apiErr(http.StatusNotFound, codeUnknownMessage, "Unknown Message")
	}
	delete(f.messages, c.p["msg"])
	return noContent
}

// --- interactions ---

// validCallback reports whether a response type may answer an
// interaction type.
func validCallback(it discordgo.InteractionType, rt discordgo.InteractionResponseType) bool {
	switch it {
	case discordgo.InteractionApplicationCommandAutocomplete:
		return rt == discordgo.InteractionApplicationCommandAutocompleteResult
	case discordgo.InteractionApplicationCommand:
		return rt == discordgo.InteractionResponseChannelMessageWithSource ||
			rt == discordgo.InteractionResponseDeferredChannelMessageWithSource ||
			rt == discordgo.InteractionResponseModal
	case discordgo.InteractionMessageComponent:
		return rt >= discordgo.InteractionResponseChannelMessageWithSource && rt <= discordgo.InteractionResponseUpdateMessage ||
			rt == discordgo.InteractionResponseModal
	case discordgo.InteractionModalSubmit:
		return rt >= discordgo.InteractionResponseChannelMessageWithSource && rt <= discordgo.InteractionResponseUpdateMessage
	}
	return false
}

// interactionCallback serves POST interactions/{id}/{token}/callback.
func (f *Server) interactionCallback(c *call) response {
	st := f.interactions[c.p["id"]]
	if st == nil || st.token != c.p["token"] {
		return apiErr(http.StatusNotFound, codeUnknownInteraction, "Unknown interaction")
	}
	if st.acked {
		return apiErr(http.StatusBadRequest, codeAlreadyAcknowledged, "Interaction has already been acknowledged.")
	}
	resp, err := decodeInteractionResponse(c.req.Body)
	if err != nil {
		return apiErr(http.StatusBadRequest, codeInvalidFormBody, "Invalid Form Body: "+err.Error())
	}
	if !validCallback(st.typ, resp.Type) {
		return apiErr(http.StatusBadRequest, codeInvalidFormBody, "Invalid Form Body: interaction callback type not valid for this interaction")
	}
	var wire struct {
		Data json.RawMessage `json:"data"`
	}
	_ = json.Unmarshal(c.req.Body, &wire)

	switch resp.Type {
	case discordgo.InteractionResponseChannelMessageWithSource:
		m, err := f.newMessageLocked(wire.Data, c.req.Files, st.channelID)
		if err != nil {
			return apiErr(http.StatusBadRequest, codeInvalidFormBody, "Invalid Form Body: "+err.Error())
		}
		m.WebhookID = f.opts.ApplicationID
		f.messages[m.ID] = m
		st.originalID = m.ID
		f.sentLocked(KindInteractionMessage, st.id, m, c)
	case discordgo.InteractionResponseDeferredChannelMessageWithSource:
		m, _ := f.newMessageLocked(nil, nil, st.channelID)
		m.WebhookID = f.opts.ApplicationID
		if resp.Data != nil {
			m.Flags = resp.Data.Flags & discordgo.MessageFlagsEphemeral
		}
		m.Flags |= discordgo.MessageFlagsLoading
		f.messages[m.ID] = m
		st.originalID = m.ID
		st.loading = true
	case discordgo.InteractionResponseDeferredMessageUpdate, discordgo.InteractionResponseUpdateMessage:
		src := f.sourceMessageLocked(st)
		if resp.Type == discordgo.InteractionResponseUpdateMessage {
			m, err := f.editMessageLocked(src, wire.Data, c.req.Files)
			if err != nil {
				return apiErr(http.StatusBadRequest, codeInvalidFormBody, "Invalid Form Body: "+err.Error())
			}
			src = m
			f.sentLocked(KindInteractionUpdate, st.id, m, c)
		}
		f.messages[src.ID] = src
		st.originalID = src.ID
	}
	st.acked = true
	f.callbackIdx[st.id] = len(f.callbacks)
	f.callbacks = append(f.callbacks, InteractionCallback{
		InteractionID: st.id,
		Token:         st.token,
		Response:      resp,
		Files:         c.req.Files,
		Body:          c.req.Body,
	})
	close(f.answeredLocked(st.id))
	return noContent
}

// sourceMessageLocked returns the current state of the message a
// component interaction came from, synthesising one if the interaction
// carried none. f.mu must be held.
func (f *Server) sourceMessageLocked(st *interactionState) *discordgo.Message {
	if st.source != nil {
		if m := f.messages[st.source.ID]; m != nil {
			return m
		}
		return st.source
	}
	return &discordgo.Message{ID: f.ids.next(), ChannelID: st.channelID, Author: f.botUser, Timestamp: time.Now().UTC(), Embeds: []*discordgo.MessageEmbed{}}
}

// webhookInteraction resolves {app}/{token} to an acknowledged interaction.
func (f *Server) webhookInteraction(c *call) (*interactionState, response, bool) {
	st := f.byToken[c.p["token"]]
	if st == nil || c.p["app"] != f.opts.ApplicationID || !st.acked {
		return nil, apiErr(http.StatusNotFound, codeUnknownWebhook, "Unknown Webhook"), false
	}
	return st, response{}, true
}

// webhookMessageID resolves {msg} (possibly "@original") for st.
func (f *Server) webhookMessageID(st *interactionState, c *call) (string, bool) {
	id := c.p["msg"]
	if id == "@original" {
		id = st.originalID
		return id, id != "" && f.messages[id] != nil
	}
	return id, (st.followups[id] || id == st.originalID) && f.messages[id] != nil
}

// createFollowup serves POST webhooks/{app}/{token}.
func (f *Server) createFollowup(c *call) response {
	st, res, good := f.webhookInteraction(c)
	if !good {
		return res
	}
	if isNull(c.req.Body) && len(c.req.Files) == 0 {
		return apiErr(http.StatusBadRequest, 50006, "Cannot send an empty message")
	}
	if st.loading && f.messages[st.originalID] != nil {
		// Discord edits the deferred loading message instead of creating a
		// new one; its ephemeral state cannot change.
		old := f.messages[st.originalID]
		m, err := f.editMessageLocked(old, c.req.Body, c.req.Files)
		if err != nil {
			return apiErr(http.StatusBadRequest, codeInvalidFormBody, "Invalid Form Body: "+err.Error())
		}
		m.Flags = old.Flags&discordgo.MessageFlagsEphemeral | m.Flags&^(discordgo.MessageFlagsEphemeral|discordgo.MessageFlagsLoading)
		m.EditedTimestamp = nil
		st.loading = false
		f.messages[m.ID] = m
		f.sentLocked(KindFollowup, st.id, m, c)
		return ok(m)
	}
	m, err := f.newMessageLocked(c.req.Body, c.req.Files, st.channelID)
	if err != nil {
		return apiErr(http.StatusBadRequest, codeInvalidFormBody, "Invalid Form Body: "+err.Error())
	}
	m.WebhookID = f.opts.ApplicationID
	if st.followups == nil {
		st.followups = map[string]bool{}
	}
	st.followups[m.ID] = true
	f.messages[m.ID] = m
	f.sentLocked(KindFollowup, st.id, m, c)
	return ok(m)
}

// getWebhookMessage serves GET webhooks/{app}/{token}/messages/{msg}.
func (f *Server) getWebhookMessage(c *call) response {
	st, res, good := f.webhookInteraction(c)
	if !good {
		return res
	}
	id, found := f.webhookMessageID(st, c)
	if !found {
		return apiErr(http.StatusNotFound, codeUnknownMessage, "Unknown Message")
	}
	return ok(f.messages[id])
}

// editWebhookMessage serves PATCH webhooks/{app}/{token}/messages/{msg}.
func (f *Server) editWebhookMessage(c *call) response {
	st, res, good := f.webhookInteraction(c)
	if !good {
		return res
	}
	id, found := f.webhookMessageID(st, c)
	if !found {
		return apiErr(http.StatusNotFound, codeUnknownMessage, "Unknown Message")
	}
	m, err := f.editMessageLocked(f.messages[id], c.req.Body, c.req.Files)
	if err != nil {
		return apiErr(http.StatusBadRequest, codeInvalidFormBody, "Invalid Form Body: "+err.Error())
	}
	kind := KindFollowupEdit
	if id == st.originalID {
		kind = KindOriginalEdit
		if st.loading {
			m.Flags &^= discordgo.MessageFlagsLoading
			st.loading = false
		}
	}
	f.messages[id] = m
	f.sentLocked(kind, st.id, m, c)
	return ok(m)
}

// deleteWebhookMessage serves DELETE webhooks/{app}/{token}/messages/{msg}.
func (f *Server) deleteWebhookMessage(c *call) response {
	st, res, good := f.webhookInteraction(c)
	if !good {
		return res
	}
	id, found := f.webhookMessageID(st, c)
	if !found {
		return apiErr(http.StatusNotFound, codeUnknownMessage, "Unknown Message")
	}
	delete(f.messages, id)
	return noContent
}
