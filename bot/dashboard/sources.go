package dashboard

import (
	"context"
	"io"
	"net/http"
	"path"
	"time"

	"github.com/agreementbot/agreementbot/bot"
	"github.com/agreementbot/agreementbot/knowledge"
)

// maxDiffShown bounds the facts the last reload's lists show.
const maxDiffShown = 50

// sourcesView is the sources page: the sources serving now, the upload
// form, the last reload's changes, and what the form just sent did.
type sourcesView struct {
	Rows          []sourceRow
	Limit         int64
	Last          *reloadView
	Done, Problem string
}

// sourceRow is one source: its file, title, kind and facts.
type sourceRow struct {
	Name, Title, Kind string
	Facts             int
}

// reloadView is a reload's report: when, what it did, which facts it
// added, changed and removed.
type reloadView struct {
	At, Summary             string
	Added, Changed, Removed []factLine
	More                    int // facts not listed
}

// factLine is a fact in the last reload's lists.
type factLine struct{ ID, Text string }

// deleteView asks to confirm deleting a source.
type deleteView struct{ Name, Title, Facts string }

// sourcesPage lists the sources.
func (d *Dashboard) sourcesPage(w http.ResponseWriter, r *http.Request, sess *session) {
	d.showSources(w, r, sess, http.StatusOK, "", "")
}

// showSources renders the sources page with what the last form did.
func (d *Dashboard) showSources(w http.ResponseWriter, r *http.Request, sess *session, status int, done, problem string) {
	ix := d.lib.Index()
	counts := ix.FactCounts()
	v := &sourcesView{Limit: d.opts.MaxUpload, Done: done, Problem: problem}
	for _, s := range ix.Sources() {
		v.Rows = append(v.Rows, sourceRow{Name: s.Path, Title: s.Title, Kind: s.Format, Facts: counts[s.ID]})
	}
	if rep, ok := d.lib.LastReload(); ok {
		v.Last = reloadReport(ix, rep, bot.WordsFor(d.pages.lang(w, r)))
	}
	d.render(w, r, status, "sources", pageData{Title: "sources.title", Nav: "sources", Session: sess, Sources: v})
}

// reloadReport shows a reload's report: the facts added and changed as
// ix has them, the removed ones as they were.
func reloadReport(ix knowledge.Index, rep knowledge.ReloadReport, words bot.Words) *reloadView {
	v := &reloadView{At: rep.At.UTC().Format(time.DateTime + " UTC"), Summary: words.Reloaded(rep)}
	shown := 0
	current := func(ids []string) []factLine {
		var out []factLine
		for _, id := range ids {
			if f, ok := ix.Fact(id); ok && shown < maxDiffShown {
				out, shown = append(out, factLine{ID: id, Text: f.Text}), shown+1
			} else {
				v.More++
			}
		}
		return out
	}
	v.Added, v.Changed = current(rep.Diff.Added), current(rep.Diff.Changed)
	gone := map[string]string{}
	for _, f := range rep.Gone {
		gone[f.ID] = f.Text
	}
	for _, id := range rep.Diff.Removed {
		if shown < maxDiffShown {
			v.Removed, shown = append(v.Removed, factLine{ID: id, Text: gone[id]}), shown+1
		} else {
			v.More++
		}
	}
	return v
}

// adminRequest is the bot's request standing for a dashboard user's
// change, for the bot's log and words.
func adminRequest(sess *session, lang string) bot.Request {
	return bot.Request{ID: "dashboard", UserID: sess.UserID, Locale: lang}
}

// upload adds the uploaded source through the bot's /reload path: the
// same size limit, checks and reload.
func (d *Dashboard) upload(w http.ResponseWriter, r *http.Request, sess *session) {
	lang := d.pages.lang(w, r)
	f, hdr, err := r.FormFile("source")
	if err != nil {
		d.showSources(w, r, sess, http.StatusBadRequest, "", d.pages.text(lang, "sources.no_file"))
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, d.opts.MaxUpload+1))
	if err != nil {
		d.fail(w, r, err)
		return
	}
	if int64(len(data)) > d.opts.MaxUpload { // refused whole, never stored cut short
		d.render(w, r, http.StatusRequestEntityTooLarge, "message", pageData{Title: "large.title", Message: "large.text", Session: sess})
		return
	}
	req := adminRequest(sess, lang)
	rep, err := d.admin.AddSource(r.Context(), req, path.Base(hdr.Filename), data)
	d.changed(w, r, sess, req, rep, err)
}

// confirmDelete asks whether to delete a source.
func (d *Dashboard) confirmDelete(w http.ResponseWriter, r *http.Request, sess *session) {
	name := r.URL.Query().Get("name")
	ix := d.lib.Index()
	for _, s := range ix.Sources() {
		if s.Path == name && name != "" {
			words := bot.WordsFor(d.pages.lang(w, r))
			v := &deleteView{Name: name, Title: s.Title, Facts: words.Facts(ix.FactCounts()[s.ID])}
			d.render(w, r, http.StatusOK, "delete", pageData{Title: "delete.title", Nav: "sources", Session: sess, Delete: v})
			return
		}
	}
	d.render(w, r, http.StatusNotFound, "message", pageData{Title: "delete.title", Message: "delete.unknown", Nav: "sources", Session: sess})
}

// remove deletes a source and reloads, through the bot's path for
// changing the sources.
func (d *Dashboard) remove(w http.ResponseWriter, r *http.Request, sess *session) {
	name := r.PostFormValue("name")
	req := adminRequest(sess, d.pages.lang(w, r))
	rep, err := d.admin.ChangeSources(r.Context(), req, func(ctx context.Context) (knowledge.ReloadReport, error) {
		return d.lib.RemoveSource(ctx, name)
	})
	d.changed(w, r, sess, req, rep, err)
}

// changed shows the sources page after a change: what the reload did, or
// the bot's words for why nothing changed.
func (d *Dashboard) changed(w http.ResponseWriter, r *http.Request, sess *session, req bot.Request, rep knowledge.ReloadReport, err error) {
	if err != nil {
		d.showSources(w, r, sess, http.StatusUnprocessableEntity, "", d.admin.ErrorText(req, err))
		return
	}
	d.showSources(w, r, sess, http.StatusOK, bot.WordsFor(req.Locale).Reloaded(rep), "")
}
