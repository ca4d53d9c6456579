#!/bin/sh
# Makes the test CA and the certificates it signs (see README.md). Run once from this folder;
# the output is committed. Keys protect nothing: they exist for the tests only.
set -eu
DAYS=36500
ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out "$1" 2>/dev/null; }
rsa() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null; }
# sign NAME KEY SUBJECT EXTENSIONS [ISSUER]: NAME.pem signed by ISSUER (default ca)
sign() {
  issuer=${5:-ca}
  openssl req -new -key "$2" -subj "$3" -out "$1.csr"
  printf '%s\n' "$4" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$issuer.pem" -CAkey "$issuer-key.pem" -CAcreateserial -days $DAYS -sha256 -extfile "$1.ext" -out "$1.pem" 2>/dev/null
  rm "$1.csr" "$1.ext"
}
LEAF='basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment'

ec ca-key.pem
openssl req -x509 -new -key ca-key.pem -subj "/CN=lambda-gateway test CA" -days $DAYS -sha256 \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.pem

# An intermediate CA, and an upstream certificate it signs (a chain of depth 2).
ec intermediate-key.pem
sign intermediate intermediate-key.pem "/CN=lambda-gateway test intermediate CA" 'basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign'

# Upstream servers: signed by the CA, and by the intermediate.
ec upstream-key.pem
sign upstream upstream-key.pem "/CN=upstream.tls.test" "$LEAF
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,DNS:upstream.tls.test,IP:127.0.0.1"
ec chained-key.pem
sign chained chained-key.pem "/CN=chained.tls.test" "$LEAF
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,DNS:chained.tls.test,IP:127.0.0.1" intermediate

# The client certificate a service presents for mTLS.
ec client-key.pem
sign client client-key.pem "/CN=lambda-gateway test client" "$LEAF
extendedKeyUsage=clientAuth"

# The https listener's certificates (as Kong's 06-ssl_spec.lua names them): RSA with an ECDSA alternative, and ECDSA ones.
rsa example-key.pem
sign example example-key.pem "/CN=ssl-example.com" "$LEAF
extendedKeyUsage=serverAuth
subjectAltName=DNS:example.com,DNS:ssl1.com,DNS:sni.example.com"
ec example-ecdsa-key.pem
sign example-ecdsa example-ecdsa-key.pem "/CN=ssl-example.com" "$LEAF
extendedKeyUsage=serverAuth
subjectAltName=DNS:example.com,DNS:ssl1.com,DNS:sni.example.com"
ec alt-key.pem
sign alt alt-key.pem "/CN=ssl-alt.com" "$LEAF
extendedKeyUsage=serverAuth
subjectAltName=DNS:*.wildcard.com,DNS:wildcard.eu"
ec alt-alt-key.pem
sign alt-alt alt-alt-key.pem "/CN=ssl-alt-alt.com" "$LEAF
extendedKeyUsage=serverAuth
subjectAltName=DNS:wildcard.org,DNS:*.www.wildcard.com"
ec default-key.pem
sign default default-key.pem "/CN=localhost" "$LEAF
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1"
rm -f ca.srl intermediate.srl
