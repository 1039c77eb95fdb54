package dashboard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"

	"golang.org/x/oauth2"
)

// Permission bits of a guild's permissions on GET users/@me/guilds that
// make a member an admin, as on Discord (bot.Handlers' isAdmin).
const (
	permAdministrator = 1 << 3
	permManageGuild   = 1 << 5
)

// scopes are what the dashboard asks Discord for: who the user is, and
// their guilds with their permissions there.
var scopes = []string{"identify", "guilds"}

// errNoAccess is a user Discord vouches for who is no admin, or a token
// Discord no longer accepts: the session must end.
var errNoAccess = errors.New("no access to the dashboard")

// discordUser is who logged in, as GET users/@me says.
type discordUser struct {
	ID         string `json:"id"`
	Username   string `json:"username"`
	GlobalName string `json:"global_name"`
}

// guild is one of GET users/@me/guilds.
type guild struct {
	ID          string `json:"id"`
	Owner       bool   `json:"owner"`
	Permissions string `json:"permissions"`
}

// oauthConfig is the OAuth2 client: Discord's endpoints derived from
// discord.api_url, the redirect back to public_url.
func oauthConfig(o Options) *oauth2.Config {
	return &oauth2.Config{
		ClientID:     o.ClientID,
		ClientSecret: o.ClientSecret,
		Endpoint: oauth2.Endpoint{AuthURL: o.APIURL + "oauth2/authorize", TokenURL: o.APIURL + "oauth2/token",
			AuthStyle: oauth2.AuthStyleInHeader},
		RedirectURL: o.PublicURL + CallbackPath,
		Scopes:      scopes,
	}
}

// checkAccess asks Discord, with the user's access token, who they are
// and whether they may use the dashboard: listed in admins.user_ids, or
// owner, Administrator or Manage Server on a guild of discord.guild_ids.
// errNoAccess means they may not (or the token is refused); any other
// error that Discord could not be asked.
func (d *Dashboard) checkAccess(ctx context.Context, token string) (discordUser, error) {
	var u discordUser
	if err := d.discordGet(ctx, token, "users/@me", &u); err != nil {
		return u, err
	}
	if u.ID == "" {
		return u, fmt.Errorf("ask Discord who logged in: no user id")
	}
	if slices.Contains(d.opts.AdminUsers, u.ID) {
		return u, nil
	}
	if len(d.opts.Guilds) == 0 {
		return u, errNoAccess
	}
	var guilds []guild
	if err := d.discordGet(ctx, token, "users/@me/guilds", &guilds); err != nil {
		return u, err
	}
	for _, g := range guilds {
		perms, _ := strconv.ParseInt(g.Permissions, 10, 64)
		if slices.Contains(d.opts.Guilds, g.ID) && (g.Owner || perms&(permAdministrator|permManageGuild) != 0) {
			return u, nil
		}
	}
	return u, errNoAccess
}

// discordGet reads the JSON of GET api_url+path with the user's token
// into v; 401 is errNoAccess.
func (d *Dashboard) discordGet(ctx context.Context, token, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.opts.APIURL+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := d.client.Do(req)
	if err != nil {
		return fmt.Errorf("ask Discord (%s): %w", path, err)
	}
	defer res.Body.Close()
	switch {
	case res.StatusCode == http.StatusUnauthorized:
		return errNoAccess
	case res.StatusCode != http.StatusOK:
		return fmt.Errorf("ask Discord (%s): status %d", path, res.StatusCode)
	}
	if err := json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(v); err != nil {
		return fmt.Errorf("ask Discord (%s): %w", path, err)
	}
	return nil
}
