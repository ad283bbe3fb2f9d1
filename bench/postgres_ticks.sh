# Sourced by bench scripts: postgres_ticks prints the CPU ticks (utime + stime from /proc, in
# units of `getconf CLK_TCK`) that every process of the `postgres` user has spent so far, summed;
# the difference of two readings is what PostgreSQL spent in between.
postgres_ticks() {
  local total=0 pid ticks
  for pid in $(pgrep -u postgres || true); do
    ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)
    total=$((total + ticks))
  done
  echo "$total"
}
