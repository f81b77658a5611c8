/**
 * The scripts the HTTP and Prometheus gates run, for the POSIX `sh` of BusyBox with
 * curl beside it (curlimages/curl is Alpine: BusyBox's sh, grep, sed and awk, and
 * curl). Settings arrive as environment variables and are always quoted, so no answer
 * or setting is ever parsed by the shell; only AWK_CONDITION becomes awk code, and the
 * library writes it from a condition it parsed (lib/model/promql.ts).
 *
 * `measure` sets `detail` and returns 0 (success), 1 (failure) or 2 (no answer: it
 * counts as a failure, so a gate never passes for lack of data).
 */

/** The measurement loop every gate script ends with (Argo Rollouts' count / interval / failureLimit). */
const LOOP = [
  'need=$((COUNT - FAILURE_LIMIT))',
  'if [ "$INITIAL_DELAY" -gt 0 ]; then echo "waiting ${INITIAL_DELAY}s before the first measurement"; sleep "$INITIAL_DELAY"; fi',
  'i=0; ok=0; bad=0',
  'while [ "$i" -lt "$COUNT" ]; do',
  '  i=$((i + 1))',
  '  detail=""',
  '  measure; outcome=$?',
  '  case "$outcome" in',
  '    0) ok=$((ok + 1)); echo "measurement $i/$COUNT: success: $detail" ;;',
  '    1) bad=$((bad + 1)); echo "measurement $i/$COUNT: failure: $detail" ;;',
  '    *) bad=$((bad + 1)); echo "measurement $i/$COUNT: error: $detail" ;;',
  '  esac',
  '  if [ "$bad" -gt "$FAILURE_LIMIT" ]; then echo "gate failed: $bad of $i measurements failed, failureLimit is $FAILURE_LIMIT" >&2; exit 1; fi',
  '  if [ "$ok" -ge "$need" ]; then echo "gate passed: $ok of $i measurements succeeded ($need needed)"; exit 0; fi',
  '  sleep "$INTERVAL"',
  'done',
  'echo "gate failed: $ok of $COUNT measurements succeeded, $need needed" >&2',
  'exit 1',
];

/**
 * HTTP check: GET $URL; success when the status is $EXPECT_STATUS (any 2xx when empty)
 * and the body contains $EXPECT_BODY.
 */
export const HTTP_GATE_SCRIPT = [
  "NL=\"$(printf '\\nx')\"; NL=\"${NL%x}\"",
  'measure() {',
  '  if ! answer="$(curl --silent --show-error --max-time "$TIMEOUT" --write-out "\\n%{http_code}" "$URL" 2>&1)"; then',
  '    detail="no answer from $URL: $answer"; return 2',
  '  fi',
  // curl writes the status on a line of its own after the body.
  '  status="${answer##*"$NL"}"',
  '  body="${answer%"$NL"*}"',
  '  if [ -n "$EXPECT_STATUS" ]; then',
  '    if [ "$status" != "$EXPECT_STATUS" ]; then detail="status $status, expected $EXPECT_STATUS"; return 1; fi',
  '  else',
  '    case "$status" in 2??) ;; *) detail="status $status, expected 2xx"; return 1 ;; esac',
  '  fi',
  '  case "$body" in',
  '    *"$EXPECT_BODY"*) detail="status $status: $body"; return 0 ;;',
  '  esac',
  '  detail="status $status, the body lacks \\"$EXPECT_BODY\\": $body"; return 1',
  '}',
  ...LOOP,
].join('\n');

/**
 * Prometheus query: GET $ADDRESS/api/v1/query?query=$QUERY; success when the result
 * has at least one value and every value meets AWK_CONDITION (on `result`).
 */
export const PROMETHEUS_GATE_SCRIPT = [
  'measure() {',
  '  if ! answer="$(curl --silent --show-error --fail --max-time "$TIMEOUT" --get --data-urlencode "query=$QUERY" "$ADDRESS/api/v1/query" 2>&1)"; then',
  '    detail="no answer from $ADDRESS: $answer"; return 2',
  '  fi',
  '  case "$answer" in *\'"status":"success"\'*) ;; *) detail="query failed: $answer"; return 2 ;; esac',
  // A vector has "value":[<time>,"<value>"] per series; a scalar has "result":[<time>,"<value>"].
  '  values="$(printf "%s\\n" "$answer" | grep -E -o \'"value":\\[[^]]*\\]|"result":\\[[-+.0-9eE]+,"[^"]*"\\]\' | sed -e \'s/.*,"//\' -e \'s/"\\]$//\')"',
  '  if [ -z "$values" ]; then detail="no data: the query returned no series"; return 2; fi',
  '  for value in $values; do',
  '    if ! awk -v result="$value" "BEGIN { exit !($AWK_CONDITION) }"; then detail="result $value does not meet $CONDITION"; return 1; fi',
  '  done',
  '  detail="result $(echo $values) meets $CONDITION"; return 0',
  '}',
  ...LOOP,
].join('\n');
