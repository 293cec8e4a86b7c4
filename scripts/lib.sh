# Shared by scripts/run, scripts/test and the bench scripts: find a JDK 25+ and Maven.
# Sourced, not executed.

ORCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Prints the major version of the JDK at $1 (or nothing when it is not a JDK).
orch_jdk_major() {
  local home="$1" line
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 1
  line=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | grep -m1 'java.specification.version') || return 1
  line=${line##*= }
  echo "${line%%.*}"
}

# Sets JAVA_HOME to a JDK 25 or newer: JAVA_HOME when it qualifies, else the newest under /usr/lib/jvm.
orch_find_jdk() {
  local major candidate best="" best_major=0
  if [ -n "${JAVA_HOME:-}" ]; then
    major=$(orch_jdk_major "$JAVA_HOME" || true)
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      export JAVA_HOME
      return 0
    fi
  fi
  for candidate in "${ORCH_JVM_DIR:-/usr/lib/jvm}"/*; do
    [ -d "$candidate" ] && [ ! -L "$candidate" ] || continue
    major=$(orch_jdk_major "$candidate" || true)
    if [ -n "$major" ] && [ "$major" -ge 25 ] && [ "$major" -gt "$best_major" ]; then
      best="$candidate"
      best_major="$major"
    fi
  done
  if [ -z "$best" ]; then
    {
      echo "error: Orchestrator needs a JDK 25 or newer, and none was found."
      echo "  looked at: JAVA_HOME=${JAVA_HOME:-<unset>} and ${ORCH_JVM_DIR:-/usr/lib/jvm}/*"
      echo "  fix: install one (for example Temurin 25 or 'apt-get install openjdk-25-jdk-headless'),"
      echo "       or point JAVA_HOME at it, then run this command again."
    } >&2
    return 1
  fi
  export JAVA_HOME="$best"
}

# Sets ORCH_MVN to a Maven command.
orch_find_maven() {
  ORCH_MVN=$(command -v mvn || true)
  if [ -z "$ORCH_MVN" ]; then
    {
      echo "error: Maven (mvn) is not on the PATH; Orchestrator builds with Maven 3.8.6 or newer."
      echo "  fix: 'apt-get install maven' (Debian/Ubuntu) or install Apache Maven, then run this command again."
    } >&2
    return 1
  fi
}

# Maven itself runs on the JDK found above: let its plugins load native code (SQLite for the
# build-time schema) without warnings, and keep Maven's own dependencies quiet on new JDKs.
export MAVEN_OPTS="${MAVEN_OPTS:-} --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
