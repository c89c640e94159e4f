# /etc/cron.d/bouncestat: mail yesterday's bouncestat report at 06:10,
# after the night's log rotation.  The script reads its settings
# (recipients, logs, options) from /etc/default/bouncestat; a MAILTO set
# here is used when that file does not set one.  Install this or the
# systemd timer (contrib/systemd/), not both.
SHELL=/bin/sh
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

10 6 * * *	root	test -x /usr/local/sbin/bouncestat-daily && /usr/local/sbin/bouncestat-daily
