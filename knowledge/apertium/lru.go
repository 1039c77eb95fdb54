package apertium

import (
	"container/list"
	"sync"
)

// lru is a bounded cache of translations that drops the one used least
// recently when full. It is safe for concurrent use.
type lru struct {
	mu    sync.Mutex
	size  int
	order *list.List // of *entry, most recently used first
	items map[string]*list.Element
}

type entry struct{ key, value string }

func newLRU(size int) *lru {
	return &lru{size: size, order: list.New(), items: make(map[string]*list.Element, size)}
}

// get returns the value kept under key, and whether there is one.
func (c *lru) get(key string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[key]
	if !ok {
		return "", false
	}
	c.order.MoveToFront(e)
	return e.Value.(*entry).value, true
}

// put keeps value under key, dropping the least recently used entry when
// the cache is full.
func (c *lru) put(key, value string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		e.Value.(*entry).value = value
		c.order.MoveToFront(e)
		return
	}
	c.items[key] = c.order.PushFront(&entry{key, value})
	if c.order.Len() > c.size {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*entry).key)
	}
}

// len returns how many entries the cache holds.
func (c *lru) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
