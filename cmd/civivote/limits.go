package main

import (
	"github.com/civivote/civivote/config"
	"github.com/civivote/civivote/web"
)

// webLimits turns the CIVIVOTE_*_LIMIT_* and CIVIVOTE_TRUSTED_PROXIES variables into the
// web server's throttles.
func webLimits(cfg *config.Config) web.Limits {
	rate := func(r config.Rate) web.Rate { return web.Rate{N: r.N, Per: r.Per} }
	l := web.DefaultLimits()
	l.LinkPerClient = rate(cfg.LinkLimitPerClient)
	l.LinkGlobal = rate(cfg.LinkLimitGlobal)
	l.AuthPerClient = rate(cfg.AuthLimitPerClient)
	l.AuthGlobal = rate(cfg.AuthLimitGlobal)
	l.TrustedProxies = cfg.TrustedProxyPrefixes()
	return l
}
