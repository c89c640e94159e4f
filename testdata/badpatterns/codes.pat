# a pattern that does not compile
reply = ^(?<basic>[2-5][0-9][0-9]
