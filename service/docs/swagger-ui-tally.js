// Swagger UI for Tally (/docs): the page carries what the server knows (the document's URL), this file the rest.
"use strict";

// Where Swagger UI looks for the value it puts in a parameter's Try-it-out field.
const FILLED_FROM = [
  ["example"],
  ["examples"],
  ["default"],
  ["schema", "example"],
  ["schema", "examples"],
  ["schema", "default"],
];

function withoutFillers(parameter) {
  let bare = FILLED_FROM.reduce((p, path) => p.deleteIn(path), parameter);
  for (const mediaType of (parameter.get("content") || new Map()).keys()) {
    bare = bare.deleteIn(["content", mediaType, "example"]).deleteIn(["content", mediaType, "examples"]);
  }
  return bare;
}

// An example as the docs write it: a string as it is, anything else as JSON.
function shown(example) {
  const value = example && example.toJS ? example.toJS() : example;
  return typeof value === "string" ? value : JSON.stringify(value);
}

// The parameter as its row shows it: its example, its own or its schema's, as the parameter's (the row's
// "Example: ...") and as its schema's (the text field's placeholder).
function withExampleInSight(parameter) {
  const example = parameter.get("example", parameter.getIn(["schema", "example"]));
  if (example === undefined) {
    return parameter;
  }
  const described = parameter.set("example", shown(example));
  return parameter.has("schema") ? described.setIn(["schema", "example"], example) : described;
}

// Swagger UI fills every parameter's Try-it-out field from its example or default (swagger-ui issues 5776
// and 8276), so Execute would send every optional filter at once. The row of an optional parameter is given
// selectors that show it without them, so its field starts empty; the example stays in sight, in the row's
// text (Swagger UI shows a schema's example nowhere else) and as the placeholder of a text field.
function OptionalParametersStartEmpty(system) {
  const h = system.React.createElement;
  const ParameterRowStartingEmpty = (ParameterRow) => (props) => {
    if (props.rawParam.get("required")) {
      return h(ParameterRow, props);
    }
    const selectors = props.specSelectors;
    const specSelectors = {
      ...selectors,
      parameterWithMetaByIdentity: (...args) => {
        const parameter = selectors.parameterWithMetaByIdentity(...args);
        return parameter && withoutFillers(parameter);
      },
    };
    return h(ParameterRow, { ...props, param: withExampleInSight(props.param || props.rawParam), specSelectors });
  };
  const TextFieldWithExample = (TextField) => (props) => {
    const example = props.schema && props.schema.get && props.schema.get("example");
    return h(TextField, example === undefined ? props : { ...props, description: `e.g. ${shown(example)}` });
  };
  return {
    wrapComponents: { parameterRow: ParameterRowStartingEmpty, JsonSchema_string: TextFieldWithExample },
  };
}

window.onload = () => {
  const config = JSON.parse(document.getElementById("swagger-ui-config").textContent);
  window.ui = SwaggerUIBundle({
    ...config,
    presets: [SwaggerUIBundle.presets.apis],
    plugins: [OptionalParametersStartEmpty],
    // No top bar, which would invite loading another document, and no validator badge, which would send
    // this document's URL to validator.swagger.io from every visit to a server with a name.
    layout: "BaseLayout",
    validatorUrl: "none",
    deepLinking: true,
  });
};
