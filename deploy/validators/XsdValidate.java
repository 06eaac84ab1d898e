// Validates XML files against an XML Schema (XSD) with the JDK's own
// validator (javax.xml.validation), no other jars. Used by the settlement
// tests to check pain.001 payment files against the ISO 20022 message
// schema that deploy/install.sh fetches (PyPI package sepaxml, pinned).
//
//   java deploy/validators/XsdValidate.java SCHEMA.xsd FILE.xml...
//
// Prints "valid FILE" or one "error FILE:LINE:COLUMN: message" line per
// problem; exits 0 when every file is valid, 1 when one is not, 2 on bad
// usage or an unreadable schema.
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXParseException;

public final class XsdValidate {
  public static void main(String[] args) {
    if (args.length < 2) {
      System.err.println("usage: XsdValidate SCHEMA.xsd FILE.xml...");
      System.exit(2);
    }
    Schema schema;
    try {
      SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
      factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "file");
      schema = factory.newSchema(new File(args[0]));
    } catch (Exception e) {
      System.err.println("cannot read schema " + args[0] + ": " + e.getMessage());
      System.exit(2);
      return;
    }
    boolean allValid = true;
    for (int i = 1; i < args.length; ++i) {
      final String file = args[i];
      final List<String> problems = new ArrayList<>();
      try {
        Validator validator = schema.newValidator();
        validator.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        validator.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        validator.setErrorHandler(new ErrorHandler() {
          private void add(SAXParseException e) {
            problems.add("error " + file + ":" + e.getLineNumber() + ":" + e.getColumnNumber()
                + ": " + e.getMessage());
          }
          @Override public void warning(SAXParseException e) {}
          @Override public void error(SAXParseException e) { add(e); }
          @Override public void fatalError(SAXParseException e) { add(e); }
        });
        validator.validate(new StreamSource(new File(file)));
      } catch (Exception e) {
        if (problems.isEmpty()) problems.add("error " + file + ": " + e.getMessage());
      }
      if (problems.isEmpty()) {
        System.out.println("valid " + file);
      } else {
        allValid = false;
        for (String p : problems) System.out.println(p);
      }
    }
    System.exit(allValid ? 0 : 1);
  }
}
