@echo off
rem together4j: the command-line tool, run from this checkout's cli\target\together4j.jar, built by
rem   mvnw.cmd -q -pl cli -am package -DskipTests
rem Java: %JAVA_HOME%\bin\java.exe, else java on the PATH (17 or newer); JAVA_OPTS go to it.
setlocal
set "ROOT=%~dp0.."
set "JAR=%ROOT%\cli\target\together4j.jar"
if not exist "%JAR%" (
  echo together4j: %JAR% is missing; build it with: mvnw.cmd -q -pl cli -am package -DskipTests 1>&2
  exit /b 1
)
set "JAVA=java"
if defined JAVA_HOME if exist "%JAVA_HOME%\bin\java.exe" set "JAVA=%JAVA_HOME%\bin\java.exe"
set "CDS="
if exist "%ROOT%\cli\target\together4j.jsa" set CDS="-XX:SharedArchiveFile=%ROOT%\cli\target\together4j.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off
"%JAVA%" %JAVA_OPTS% %CDS% -jar "%JAR%" %*
exit /b %ERRORLEVEL%
