#!/usr/bin/env python3
# The OAuth 2.0 side of Helpdesk's mail tests, on 127.0.0.1: a token
# introspection endpoint (RFC 7662 in Dovecot's "auth" mode: the token in
# an "Authorization: Bearer" header) that calls exactly the tokens given
# with --token active, for the user given with --user; any other token is
# inactive. Every token asked about is appended to FOLDER/asked, one a
# line, so the tests can tell what the servers were shown.
# Prints the port it listens on, then serves until it is stopped.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import argparse
import http.server
import json
import os
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('folder')
    parser.add_argument('--user', required=True)
    parser.add_argument('--token', action='append', default=[])
    args = parser.parse_args()

    class Introspect(http.server.BaseHTTPRequestHandler):
        def answer(self):
            header = self.headers.get('Authorization', '')
            token = header[len('Bearer '):] if header.startswith('Bearer ') else ''
            with open(os.path.join(args.folder, 'asked'), 'a') as f:
                f.write(token + '\n')
            if token in args.token:
                body = {'active': True, 'email': args.user, 'scope': 'mail'}
            else:
                body = {'active': False}
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header('Content-Type', 'application/json')
            self.send_header('Content-Length', str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = answer
        do_POST = answer

        def log_message(self, format, *log_args):
            pass

    server = http.server.HTTPServer(('127.0.0.1', 0), Introspect)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == '__main__':
    sys.exit(main())
