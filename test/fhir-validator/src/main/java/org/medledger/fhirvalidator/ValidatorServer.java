package org.medledger.fhirvalidator;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Executors;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.UnknownCodeSystemWarningValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.common.hapi.validation.validator.WorkerContextValidationSupportAdapter;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.utilities.http.ManagedWebAccess;

/**
 * The FHIR R4 validator of MedLedger's test suites (test/support/fhir-validator.ts): HAPI FHIR's
 * instance validator behind a small HTTP server on loopback, so that one JVM, warmed up once,
 * validates every resource the suites see. Offline: the R4 core definitions come from the jars
 * (hapi-fhir-validation-resources-r4), no terminology server is asked, and web access is
 * prohibited altogether.
 *
 * <pre>
 *   java -cp "classes:lib/*" org.medledger.fhirvalidator.ValidatorServer --port 0
 *
 *   POST /validate             any R4 resource (JSON), Bundles too -> 200 and its OperationOutcome
 *   POST /StructureDefinition  a definition the API publishes      -> 200 and the OperationOutcome
 *                              of validating the definition itself; loaded (for the validations
 *                              that follow) unless that outcome holds an error
 *   GET  /health               -> 200
 * </pre>
 *
 * Input that is not a resource at all still gets 200: an OperationOutcome with a fatal issue.
 * Prints the one line {@code listening on <port>} on stdout once warmed up; anything else goes to
 * stderr. Exits when its stdin closes (the parent that spawned it has gone) or on SIGTERM.
 */
public final class ValidatorServer {
  private static final String FHIR_JSON = "application/fhir+json; charset=utf-8";

  /** Costly to create (it scans the R4 model): one for the process. */
  private final FhirContext context = FhirContext.forR4();

  /** The definitions the suites load (the API's published extensions), by canonical URL. */
  private final PrePopulatedValidationSupport loadedDefinitions = new PrePopulatedValidationSupport(context);

  private final ValidationSupportChain chain = validationSupportChain();
  private final FhirInstanceValidator instanceValidator = instanceValidator();
  private final FhirValidator validator = context.newValidator().registerValidatorModule(instanceValidator);

  public static void main(String[] args) throws IOException {
    // Stdout is the protocol with the parent (the one "listening on" line): whatever a library
    // prints goes to stderr instead.
    PrintStream protocol = System.out;
    System.setOut(System.err);
    // HAPI logs through SLF4J, and no logging backend is on the class path: say so quietly
    // (without this, SLF4J prints a three-line warning at every start).
    System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
    System.setProperty("slf4j.internal.verbosity", "ERROR");
    // Validation messages are localised: English on every machine, so the suites see the same text.
    Locale.setDefault(Locale.ENGLISH);
    // Offline, always: nothing in the validator may reach for a package server or a terminology
    // server (a test run must not depend on the network, nor wait for it).
    ManagedWebAccess.setAccessPolicy(ManagedWebAccess.WebAccessPolicy.PROHIBITED);

    int port = portFrom(args);
    ValidatorServer validatorServer = new ValidatorServer();
    validatorServer.warmUp();

    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    server.createContext("/", validatorServer::handle);
    // One request at a time: a definition loaded between two validations never races with them
    // (the suites run in band anyway).
    server.setExecutor(Executors.newSingleThreadExecutor());
    server.start();
    // SIGTERM runs the shutdown hooks, then the JVM exits.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0)));
    exitWhenStdinCloses();

    protocol.println("listening on " + server.getAddress().getPort());
    protocol.flush();
  }

  private static int portFrom(String[] args) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals("--port")) {
        try {
          return Integer.parseInt(args[i + 1]);
        } catch (NumberFormatException notANumber) {
          break;
        }
      }
    }
    System.err.println("usage: ValidatorServer --port N   (0: any free port)");
    System.exit(2);
    return -1;
  }

  /**
   * The parent holds the other end of our stdin: once that closes (the parent exited, even by a
   * crash), we exit too, so that no validator is ever left behind.
   */
  private static void exitWhenStdinCloses() {
    Thread watcher =
        new Thread(
            () -> {
              try (InputStream stdin = System.in) {
                byte[] ignored = new byte[256];
                while (stdin.read(ignored) != -1) {
                  // Whatever the parent writes is ignored: only the end of the stream counts.
                }
              } catch (IOException closed) {
                // A broken pipe is a closed one.
              }
              System.exit(0);
            },
            "stdin-watcher");
    watcher.setDaemon(true);
    watcher.start();
  }

  /** Where the validator looks up definitions, value sets and codes, in this order. */
  @SuppressWarnings("deprecation") // UnknownCodeSystemWarningValidationSupport: still what 8.8.1 offers for this
  private ValidationSupportChain validationSupportChain() {
    UnknownCodeSystemWarningValidationSupport unknownCodeSystems = new UnknownCodeSystemWarningValidationSupport(context);
    // Offline, code systems such as LOINC cannot be checked: a warning, not an error. Last in the
    // chain, so that it only answers for the code systems no one before it knows.
    unknownCodeSystems.setNonExistentCodeSystemSeverity(IValidationSupport.IssueSeverity.WARNING);
    return new ValidationSupportChain(
        new DefaultProfileValidationSupport(context), // the R4 core definitions, from the jars
        loadedDefinitions,
        new CommonCodeSystemsTerminologyService(context), // UCUM, languages, MIME types, countries...
        new InMemoryTerminologyServerValidationSupport(context), // codes of the value sets known here
        new SnapshotGeneratingValidationSupport(context), // differential-only definitions
        unknownCodeSystems);
  }

  private FhirInstanceValidator instanceValidator() {
    FhirInstanceValidator instance = new FhirInstanceValidator(chain);
    instance.setWrappedWorkerContext(chain, new R4WorkerContext(chain));
    // An extension whose definition was not loaded is an error: it was not checked (HAPI's default
    // lets any extension pass with a note).
    instance.setAnyExtensionsAllowed(false);
    // The same for a profile named in meta.profile.
    instance.setErrorForUnknownProfiles(true);
    return instance;
  }

  /**
   * HAPI's bridge to the core validator, naming its FHIR version "4.0" instead of "4.0.1". When the
   * core validator (org.hl7.fhir.validation 6.7.9) checks an extension definition's context of
   * type element ("DocumentReference"), it walks the published versions between the definition's
   * first and last ("4.0") and compares each with this version: "4.0" does not match "4.0.1", so it
   * tries to download the hl7.fhir.r4.core package instead, fails offline, and reports every such
   * definition as "Error generating Snapshot: Unable to resolve package id" (skipping the checks
   * that would follow). "4.0" is the same release for every other check; the outcomes of other
   * resources do not change.
   */
  private static final class R4WorkerContext extends WorkerContextValidationSupportAdapter {
    R4WorkerContext(IValidationSupport validationSupport) {
      super(validationSupport);
    }

    @Override
    public String getVersion() {
      return "4.0";
    }
  }

  /** Loads the core definitions with a first validation, so that the first real request is quick. */
  private void warmUp() {
    ValidationResult result =
        validator.validateWithResult(
            "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{"
                + "\"fullUrl\":\"urn:uuid:6f1b7e1e-0000-4000-8000-000000000001\","
                + "\"resource\":{\"resourceType\":\"Patient\",\"active\":true,\"birthDate\":\"1990-01-01\"}}]}");
    if (hasErrors(result)) {
      throw new IllegalStateException("the warm-up Bundle did not validate: " + encode(result.toOperationOutcome()));
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      switch (path) {
        case "/health" -> {
          if (method.equals("GET")) respond(exchange, 200, "{\"status\":\"ok\"}");
          else respond(exchange, 405, outcome(IssueSeverity.ERROR, IssueType.NOTSUPPORTED, "use GET " + path));
        }
        case "/validate", "/StructureDefinition" -> {
          if (!method.equals("POST")) {
            respond(exchange, 405, outcome(IssueSeverity.ERROR, IssueType.NOTSUPPORTED, "use POST " + path));
            return;
          }
          String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          respond(exchange, 200, path.equals("/validate") ? validate(body) : load(body));
        }
        default -> respond(exchange, 404, outcome(IssueSeverity.ERROR, IssueType.NOTFOUND, "no such path: " + path));
      }
    } catch (RuntimeException unexpected) {
      // A failure of ours must not end the server, nor leave the client waiting.
      unexpected.printStackTrace();
      respond(exchange, 500, outcome(IssueSeverity.FATAL, IssueType.EXCEPTION, describe(unexpected)));
    } finally {
      exchange.close();
    }
  }

  /** The OperationOutcome of validating one resource; a fatal issue when it cannot be validated at all. */
  private String validate(String body) {
    try {
      return encode(validator.validateWithResult(body).toOperationOutcome());
    } catch (RuntimeException | StackOverflowError failure) {
      // HAPI throws on input that is no JSON or XML at all: a finding about the input, not a crash.
      return notAResource(failure);
    }
  }

  /**
   * Validates a StructureDefinition and, when that finds no error, loads it: the validations that
   * follow check resources using it (an extension's URL, a profile) against it.
   */
  private String load(String body) {
    ValidationResult result;
    IBaseResource parsed;
    try {
      result = validator.validateWithResult(body);
      if (hasErrors(result)) return encode(result.toOperationOutcome());
      parsed = context.newJsonParser().parseResource(body);
    } catch (RuntimeException | StackOverflowError failure) {
      return notAResource(failure);
    }
    if (!(parsed instanceof StructureDefinition definition)) {
      return outcome(IssueSeverity.ERROR, IssueType.INVALID, "expected a StructureDefinition, got a " + context.getResourceType(parsed));
    }
    loadedDefinitions.addStructureDefinition(definition);
    // Both cache what they looked up, a definition not found too (a resource validated before its
    // extension's definition came): without this, the new definition would go unseen.
    chain.invalidateCaches();
    instanceValidator.invalidateCaches();
    return encode(result.toOperationOutcome());
  }

  private static boolean hasErrors(ValidationResult result) {
    for (SingleValidationMessage message : result.getMessages()) {
      ResultSeverityEnum severity = message.getSeverity();
      if (severity == ResultSeverityEnum.ERROR || severity == ResultSeverityEnum.FATAL) return true;
    }
    return false;
  }

  private String notAResource(Throwable failure) {
    return outcome(IssueSeverity.FATAL, IssueType.STRUCTURE, "not a FHIR R4 resource: " + describe(failure));
  }

  private String outcome(IssueSeverity severity, IssueType type, String diagnostics) {
    OperationOutcome outcome = new OperationOutcome();
    outcome.addIssue().setSeverity(severity).setCode(type).setDiagnostics(diagnostics);
    return encode(outcome);
  }

  private String encode(IBaseResource resource) {
    return context.newJsonParser().encodeResourceToString(resource);
  }

  /** The failure's message, cut short (a parser's message can repeat a path of any depth). */
  private static String describe(Throwable failure) {
    String message = failure.getMessage() == null ? failure.getClass().getName() : failure.getMessage();
    return message.length() <= 500 ? message : message.substring(0, 500) + "...";
  }

  private static void respond(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", FHIR_JSON);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
