# A draw command that crashes for instance b, hangs for c and fails with status 3 for d.
case "$SC_INSTANCE" in
  b) kill -SEGV $$ ;;
  c) sleep 30 ;;
  d) exit 3 ;;
esac
exec "$SCALECAST" passuntil draw --N 3e8
