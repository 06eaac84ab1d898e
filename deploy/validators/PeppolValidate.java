// Validates UBL self-billed invoices and credit notes with the official
// OpenPEPPOL rules for Peppol BIS Self-Billing 3.0 (phive-rules-peppol,
// pinned by pom.xml next to this file): the UBL 2.1 XML schema, the CEN
// EN 16931 UBL schematron and the PEPPOL-EN16931-UBL-SB schematron, each run
// as published. A file's root element picks the rules: Invoice the
// self-billing invoice set, CreditNote the self-billing credit note set.
//
//   java -cp '<jars>/*:<classes>' PeppolValidate FILE...
//
// Prints "RULES <id> <name>" per file, one line per finding, "ERROR <rule>
// <location>: <text>" or "WARN <rule> ...", a summary per file, and
// "SKIPPED <layer>" for a layer phive did not run (it stops after a failed
// layer). Exit 0: no errors and no skipped layer in any file; 1: errors (a
// root that is neither Invoice nor CreditNote is one); 2: usage or
// unreadable input.
import com.helger.commons.error.IError;
import com.helger.commons.io.resource.FileSystemResource;
import com.helger.phive.en16931.EN16931Validation;
import com.helger.phive.api.execute.ValidationExecutionManager;
import com.helger.phive.api.executorset.IValidationExecutorSet;
import com.helger.phive.api.executorset.ValidationExecutorSetRegistry;
import com.helger.phive.api.result.ValidationResult;
import com.helger.phive.api.result.ValidationResultList;
import com.helger.phive.api.validity.IValidityDeterminator;
import com.helger.phive.peppol.PeppolValidation2025_03;
import com.helger.phive.xml.source.IValidationSourceXML;
import com.helger.phive.xml.source.ValidationSourceXML;
import java.io.File;
import java.io.FileInputStream;
import java.io.InputStream;
import java.util.Locale;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;

public final class PeppolValidate {
  private PeppolValidate() {}

  // The local name of the document's root element, "" if it has none.
  private static String rootName(File file) throws Exception {
    XMLInputFactory factory = XMLInputFactory.newFactory();
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    try (InputStream in = new FileInputStream(file)) {
      XMLStreamReader reader = factory.createXMLStreamReader(in);
      while (reader.hasNext()) {
        if (reader.next() == XMLStreamConstants.START_ELEMENT) {
          return reader.getLocalName();
        }
      }
    }
    return "";
  }

  public static void main(String[] args) {
    if (args.length == 0) {
      System.err.println("usage: PeppolValidate FILE...");
      System.exit(2);
    }
    ValidationExecutorSetRegistry<IValidationSourceXML> registry =
        new ValidationExecutorSetRegistry<>();
    // The self-billing rules build on the CEN EN 16931 sets.
    EN16931Validation.initEN16931(registry);
    PeppolValidation2025_03.init(registry);
    IValidationExecutorSet<IValidationSourceXML> invoiceRules =
        registry.getOfID(PeppolValidation2025_03.VID_OPENPEPPOL_INVOICE_SELF_BILLING_UBL_V3);
    IValidationExecutorSet<IValidationSourceXML> creditNoteRules =
        registry.getOfID(PeppolValidation2025_03.VID_OPENPEPPOL_CREDIT_NOTE_SELF_BILLING_UBL_V3);
    if (invoiceRules == null || creditNoteRules == null) {
      System.err.println(
          "the Peppol self-billing invoice and credit note rules are not in phive-rules-peppol");
      System.exit(2);
    }
    int failed = 0;
    for (String name : args) {
      File file = new File(name);
      if (!file.canRead()) {
        System.err.println("cannot read " + name);
        System.exit(2);
      }
      String root;
      try {
        root = rootName(file);
      } catch (Exception e) {
        root = "";  // not XML: the schema layer reports it
      }
      // Anything but a credit note is held to the invoice rules, whose
      // schema layer refuses a root that is not an Invoice.
      IValidationExecutorSet<IValidationSourceXML> rules =
          root.equals("CreditNote") ? creditNoteRules : invoiceRules;
      System.out.println("RULES " + rules.getID().getAsSingleID() + " " + rules.getDisplayName());
      ValidationResultList results = ValidationExecutionManager.executeValidation(
          IValidityDeterminator.createDefault(), rules, ValidationSourceXML.create(new FileSystemResource(file)));
      int errors = 0;
      int warnings = 0;
      int skipped = 0;
      for (ValidationResult result : results) {
        String layer = result.getValidationArtefact().getRuleResource().getPath();
        if (result.isSkipped()) {
          ++skipped;
          System.out.println("SKIPPED " + layer);
          continue;
        }
        for (IError e : result.getErrorList()) {
          boolean error = e.isError();
          if (error) {
            ++errors;
          } else {
            ++warnings;
          }
          String where = e.hasErrorFieldName() ? e.getErrorFieldName() : "";
          // A finding without a rule id is the engine's own (e.g. an XSLT
          // warning): its whole text, with the cause.
          String text = e.getErrorID() == null ? e.getAsString(Locale.US) : e.getErrorText(Locale.US);
          System.out.println((error ? "ERROR " : "WARN ") + e.getErrorID() + " " + where + ": "
              + text.replace('\n', ' '));
        }
      }
      System.out.println(name + ": " + errors + " errors, " + warnings + " warnings, "
          + skipped + " layers skipped, " + results.size() + " layers");
      if (errors > 0 || skipped > 0) ++failed;
    }
    System.exit(failed > 0 ? 1 : 0);
  }
}
