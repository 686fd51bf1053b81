#!/bin/sh
# Development certificates for NATS TLS: a private CA and a server certificate it signs.
#
#   sh deploy/nats/dev-certs.sh [dir] [dns name…]     (default: deploy/nats/tls, names: nats localhost)
#
# Writes ca.pem (give it to the services as NATS_TLS_CA_FILE), ca-key.pem (keep it away from everything
# else), server.pem and server-key.pem (for nats-server). For anything beyond a test, use certificates
# from your own CA (in Kubernetes: cert-manager), see docs/operations.md, NATS TLS.
set -eu
dir="${1:-deploy/nats/tls}"
[ "$#" -gt 0 ] && shift
[ "$#" -gt 0 ] || set -- nats localhost
san="IP:127.0.0.1"
for name in "$@"; do san="DNS:$name,$san"; done
mkdir -p "$dir"
cd "$dir"
umask 077
openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=Laurel NATS development CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -keyout ca-key.pem -out ca.pem 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=$1" -keyout server-key.pem -out server.csr 2>/dev/null
printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n' "$san" > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 825 -extfile server.ext -out server.pem 2>/dev/null
rm -f server.csr server.ext ca.srl
# The certificates are public (the services read ca.pem as the node user); the keys stay 0600.
chmod 644 ca.pem server.pem
echo "NATS TLS development certificates in $dir (server names: $san)"
