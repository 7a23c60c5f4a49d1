import { describe, expect, it } from "vitest";
import {
  checkSteps,
  checkTemplate,
  renderHtml,
  renderText,
} from "../../src/mail/campaign-template.js";

const values = {
  name: 'Ann "A" <Lee>',
  plan: "Pro & Co",
  reason: "Too expensive",
  offer: "20% off",
  unsubscribe_url: "https://x.test/u/t",
};

describe("campaign templates", () => {
  it("fill every variable, spaces inside the braces allowed", () => {
    expect(renderText("Hi {{name}}, {{ plan }} / {{reason}} / {{offer}}", values)).toBe(
      'Hi Ann "A" <Lee>, Pro & Co / Too expensive / 20% off',
    );
    expect([...checkTemplate("{{name}} {{unsubscribe_url}} {{name}}", "body")]).toEqual([
      "name",
      "unsubscribe_url",
    ]);
  });

  it("escape the values and the template's own text in HTML, and keep its paragraphs", () => {
    expect(renderHtml("Hi {{name}} <3\nline two\n\n\nNext {{plan}}", values)).toBe(
      "<p>Hi Ann &quot;A&quot; &lt;Lee&gt; &lt;3<br>line two</p>\n<p>Next Pro &amp; Co</p>",
    );
  });

  it("refuse unknown variables and unbalanced braces, naming the field", () => {
    const refusal = (template: string) => {
      try {
        checkTemplate(template, "steps[2].body");
      } catch (error) {
        return error as { code: string; field: string; message: string };
      }
      return null;
    };
    for (const [template, words] of [
      ["Hi {{nme}}", "{{nme}}, which is not a variable"],
      ["Hi {{name", "never closed"],
      ["Hi {{ {{name}}", "never closed"],
      ["Hi name}} {{plan}}", "no {{ before it"],
      ["Hi {{}}", "{{}}, which is not a variable"],
    ] as const) {
      expect(refusal(template), template).toMatchObject({
        code: "invalid_template",
        field: "steps[2].body",
      });
      expect(refusal(template)?.message).toContain(words);
    }
    expect(refusal("No variables at all, { single } braces are text")).toBeNull();
  });

  it("allow {{offer}} only in a campaign with an offer", () => {
    const steps = [
      { subject: "Hi", body: "Ok" },
      { subject: "{{offer}}", body: "Ok" },
    ];
    expect(() => checkSteps(steps, true)).not.toThrow();
    expect(() => checkSteps(steps, false)).toThrow(/steps\[1\]\.subject uses \{\{offer\}\}/);
  });
});
