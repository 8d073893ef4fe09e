import { describe, expect, it } from "vitest";
import type { LanguageCode } from "../assistant/language.js";
import { createEmotionDetector } from "./emotion-detector.js";

/**
 * rules@2 cue families, checked on messages written for these tests, not taken from the data sets: each
 * family must catch phrasings it was not written from, in each main language, and the neutral questions
 * that share their words (today, same, quickly, "what is", "where do I find", "I thought") must stay
 * neutral.
 */
const detector = createEmotionDetector();
const read = (text: string, language: LanguageCode) => detector.read(text, language);
type Case = readonly [LanguageCode, string];

const FRUSTRATED: Case[] = [
  ["en", "Honestly kind of disappointed with how this was handled"],
  ["en", "This is not what I expected from a premium brand."],
  ["en", "im done with you guys, cancelling tomorrow"],
  ["fr", "Franchement un peu déçue par le suivi"],
  ["fr", "Ce n'est pas du tout ce que j'attendais pour ce prix"],
  ["es", "La verdad, no es lo que esperaba de vosotros"],
  ["es", "Un poco decepcionada con el servicio, la verdad"],
  ["de", "Ehrlich gesagt bin ich ziemlich enttäuscht"],
  ["de", "Das ist nicht das, was ich erwartet habe."],
  ["en", "Day 5. Still nothing."],
  ["en", "My parcel is lost. Again?"],
  ["fr", "Toujours rien reçu, merci pour rien"],
  ["fr", "Le colis est encore bloqué. Encore !"],
  ["es", "Y seguimos sin noticias. Otra vez."],
  ["es", "Gracias por nada, de verdad"],
  ["de", "Immer noch nichts angekommen."],
  ["de", "Das Paket ist weg. Schon wieder!"],
  ["en", "Seriously? You charged me for shipping on a free-shipping order?"],
  ["en", "What's the point of having a hotline if no one picks up?"],
  ["fr", "Sérieusement ? Encore un retard ?"],
  ["fr", "À quoi sert votre service client exactement ?"],
  ["es", "¿En serio? ¿Otra vez el mismo error?"],
  ["es", "¿Para qué sirve el chat si nadie contesta?"],
  ["de", "Ernsthaft? Schon wieder falsch geliefert?"],
  ["de", "Wozu gibt es eine Hotline, wenn niemand abnimmt?"],
  ["en", "what a joke of a company"],
  ["fr", "c'est une blague ce service"],
  ["es", "Esto es una broma, ¿no?"],
  ["de", "Das ist doch ein Witz"],
  ["en", "Great, the app logged me out in the middle of paying. Love it."],
  ["en", "Fantastic 'customer service', 40 minutes on hold 👏"],
  ["fr", "Super, encore un colis perdu 👏"],
  ["fr", "Génial, le « service premium » qui répond après 3 semaines"],
  ["es", "Genial, otra vez sin conexión. Gracias 👏"],
  ["es", "Qué bien, el pedido 'urgente' llegó a los 12 días"],
  ["de", "Toll, schon wieder die falsche Größe geliefert 👏👏"],
  ["de", "Super 'Kundenservice', keiner hat sich gemeldet"],
  ["en", "Please stop sending me the same automated reply and read what I wrote"],
  ["en", "You told me it would be fixed by Monday. Nobody fixed anything."],
  ["fr", "Vous m'envoyez toujours la même réponse toute faite"],
  ["fr", "On m'avait promis un remboursement, personne ne m'a recontacté"],
  ["es", "Siempre me responden con el mismo mensaje automático"],
  ["es", "Me prometieron un reembolso y nadie ha hecho nada"],
  ["de", "Ich bekomme immer nur dieselbe Standardantwort"],
  ["de", "Mir wurde eine Gutschrift versprochen, passiert ist nichts"],
  ["en", "You changed my plan without telling me"],
  ["en", "Still being billed for an account I cancelled last year"],
  ["fr", "Vous avez changé mon abonnement sans me prévenir"],
  ["fr", "Merde, le paiement a encore échoué"],
  ["es", "Me han cambiado la tarifa sin avisar"],
  ["es", "Mierda, se ha borrado todo el carrito"],
  ["de", "Sie haben meinen Tarif ohne Vorwarnung geändert"],
  ["de", "Verdammt, schon wieder abgestürzt"],
  ["en", "I was promised a refund two weeks ago and nobody has replied since"],
  ["en", "So I have to explain everything again?"],
  ["en", "An hour on hold for this"],
  ["en", "Why is it always the same excuse with you?"],
  ["fr", "Sérieux, personne n'a répondu depuis lundi"],
  ["fr", "Vous m'aviez promis un appel hier. Rien."],
  ["es", "Me prometieron una llamada ayer. Nada."],
  ["es", "Vaya 'servicio técnico', tres semanas para nada"],
  ["de", "Mir wurde ein Rückruf versprochen. Nichts."],
  ["de", "Ernsthaft, wieder keine Antwort"],
  ["en", "Third email this week and not a single reply. Unreal."],
  ["en", "lovely, another 'we are looking into it' email"],
  ["en", "you lot promised me a call back on monday, it's thursday"],
  ["en", "Super disappointed, the shoes fell apart after a week"],
  ["fr", "Troisième mail sans réponse, c'est vraiment pas sérieux"],
  ["fr", "Magnifique, encore un « incident technique » 👏"],
  ["fr", "Ça fait trois semaines, c'est lamentable"],
  ["fr", "J'en ai ras-le-bol de vos retards"],
  ["es", "Tercer correo sin respuesta. Increíble."],
  ["es", "Estupendo, otra 'incidencia técnica' 👏"],
  ["es", "Estoy harta de tantos retrasos"],
  ["es", "Me dijisteis que llegaba el lunes y estamos a jueves"],
  ["de", "Dritte Mail ohne Antwort. Unglaublich."],
  ["de", "Klasse, wieder eine 'technische Störung' 👏"],
  ["de", "Ich habe die Nase voll von euren Verspätungen"],
  ["de", "Sie hatten mir Montag versprochen, jetzt ist Donnerstag"],
];

const CONFUSED: Case[] = [
  ["en", "I don't get it, the site says in stock but the cart says unavailable"],
  ["en", "this makes no sense, which price is right?"],
  ["en", "Your FAQ says 14 days and the email says 30. Which one is it?"],
  ["en", "huh? I never asked for a replacement"],
  ["fr", "Je ne comprends pas, le site dit une chose et le mail une autre"],
  ["fr", "Le suivi dit livré mais je n'ai rien ?? lequel est correct"],
  ["fr", "C'est très confus, je suis perdu dans votre interface"],
  ["fr", "Hein ? Je croyais que c'était gratuit"],
  ["es", "No lo entiendo, en la web pone una cosa y en el correo otra"],
  ["es", "Estoy un poco perdido, ¿dónde encuentro la factura?"],
  ["es", "¿Cómo? Pensaba que el envío era gratis"],
  ["de", "Ich verstehe das nicht, auf der Website steht etwas anderes"],
  ["de", "Das ergibt keinen Sinn. Welcher Preis stimmt denn jetzt?"],
  ["de", "Hä? Ich dachte, der Versand ist kostenlos"],
  ["en", "Wait, I thought the discount was automatic?"],
  ["fr", "Attendez, je croyais que la remise était automatique ?"],
  ["es", "Espera, ¿no era automático el descuento? No me aclaro"],
  ["de", "Moment, ich dachte, der Rabatt ist automatisch? Das verstehe ich nicht"],
  ["en", "It keeps asking me to verify a phone number I don't have anymore, so I'm confused what to do"],
  ["en", "The checkout says €49 but the product page says €39, which is correct?"],
  ["fr", "Le site affiche 49 € et le panier 39 €, lequel est le bon ?"],
  ["fr", "Je comprends pas pourquoi mon compte est bloqué"],
  ["es", "En la web pone 49 € y en el carrito 39 €, ¿cuál es el bueno?"],
  ["es", "No entiendo por qué tengo la cuenta bloqueada"],
  ["de", "Auf der Seite stehen 49 €, im Warenkorb 39 €, was stimmt denn nun?"],
  ["de", "Ich verstehe nicht, warum mein Konto gesperrt ist"],
];

const URGENT: Case[] = [
  ["en", "I need the replacement by tomorrow, it's for my daughter's birthday"],
  ["en", "Can you confirm the booking asap? My train leaves in 3 hours"],
  ["en", "Please reset my password right away, I have a meeting in 20 minutes"],
  ["en", "Need the invoice tonight please, accountant deadline"],
  ["fr", "J'ai besoin de la facture avant ce soir svp"],
  ["fr", "C'est urgent, mon vol part dans 3 heures"],
  ["fr", "Pouvez-vous me rappeler au plus vite ? C'est pour demain matin"],
  ["fr", "Il me faut le colis pour samedi, c'est un cadeau"],
  ["es", "Necesito la factura para mañana sin falta"],
  ["es", "Por favor, lo antes posible, mi vuelo sale en 3 horas"],
  ["es", "Es urgente, necesito acceso hoy"],
  ["de", "Ich brauche die Rechnung bis morgen früh"],
  ["de", "Bitte schnell, mein Zug fährt in 40 Minuten"],
  ["de", "Es ist dringend, ich brauche den Zugang heute noch"],
  ["en", "My visa appointment is in 2 hours and I need the confirmation quickly"],
  ["fr", "J'ai besoin du document pour demain, c'est possible ?"],
  ["es", "Necesito el certificado antes del viernes, por favor"],
  ["de", "Ich brauche die Bestätigung bis heute Abend"],
  ["en", "Need the replacement card before Thursday or I can't pay rent"],
  ["fr", "J'ai un rendez-vous dans une heure et je n'ai pas reçu le code, vite svp"],
  ["es", "Tengo una cita en una hora y no me ha llegado el código, rápido por favor"],
  ["de", "Ich habe in einer Stunde einen Termin und der Code kam nicht, bitte schnell"],
];

const HAPPY: Case[] = [
  ["en", "Phew, it's working again, thank you!"],
  ["en", "ty so much, all good now"],
  ["en", "Really good service, well done team"],
  ["fr", "Ouf, ça remarche, merci beaucoup"],
  ["fr", "Chapeau pour la rapidité !"],
  ["es", "Menos mal, ya funciona. ¡Gracias!"],
  ["es", "Muy bueno el servicio, enhorabuena al equipo"],
  ["de", "Zum Glück geht es wieder, danke euch"],
  ["de", "Echt gut gelöst, vielen Dank"],
  ["en", "Works again, thanks a lot!"],
  ["fr", "Ça marche à nouveau, merci"],
  ["de", "Es funktioniert wieder, danke!"],
  ["es", "Ya funciona otra vez, ¡gracias!"],
  ["en", "Appreciate the quick fix, you saved my evening"],
  ["fr", "Merci infiniment pour votre patience, tout est rentré dans l'ordre"],
  ["es", "Mil gracias por la paciencia, ya está todo en orden"],
  ["de", "Tausend Dank für die Geduld, jetzt ist alles in Ordnung"],
];

const NEUTRAL: Case[] = [
  ["en", "Do you deliver on Saturdays?"],
  ["en", "What is a merchant ID used for?"],
  ["en", "Can I pay in 3 instalments?"],
  ["en", "My flight is next month, can I change the date?"],
  ["en", "How fast is express shipping?"],
  ["en", "thanks, that's it for today"],
  ["en", "Where can I see my invoices?"],
  ["en", "I'd like to cancel the order I placed today"],
  ["fr", "Est-ce que je peux payer en trois fois ?"],
  ["fr", "Où est-ce que je trouve mes factures ?"],
  ["fr", "Livrez-vous le samedi ?"],
  ["fr", "c'est tout, merci"],
  ["fr", "Le colis est prévu pour vendredi ?"],
  ["es", "¿Puedo pagar en tres veces?"],
  ["es", "¿Dónde veo mis facturas?"],
  ["es", "Nada más, gracias"],
  ["es", "¿Cuánto tarda el envío a Canarias?"],
  ["de", "Wo finde ich meine Rechnungen?"],
  ["de", "Liefern Sie auch am Samstag?"],
  ["de", "Das war's, danke"],
  ["de", "Wie schnell ist der Expressversand?"],
  ["en", "Can I get the same jacket in blue?"],
  ["en", "I ordered today, when will it ship?"],
  ["en", "Is delivery possible within 2 hours in Paris?"],
  ["en", "The 'Pro' plan, what does it include?"],
  ["en", "I thought about upgrading, what are the prices?"],
  ["en", "Can I return it without the original box?"],
  ["en", "What is the deadline for returns?"],
  ["en", "You said I should email the receipt, here it is."],
  ["en", "My meeting is tomorrow, could I get a receipt for expenses?"],
  ["en", "Please send the invoice by Friday if possible"],
  ["fr", "Est-ce que la même taille existe en rouge ?"],
  ["fr", "J'ai commandé aujourd'hui, quand sera-t-il expédié ?"],
  ["fr", "On peut se faire livrer sans être présent ?"],
  ["fr", "Je pensais prendre l'abonnement annuel, il coûte combien ?"],
  ["fr", "Le forfait « Pro », il comprend quoi ?"],
  ["es", "¿Tenéis el mismo modelo en negro?"],
  ["es", "Pensaba comprar dos, ¿hay descuento?"],
  ["es", "¿Se puede devolver sin la caja?"],
  ["es", "¿Cuál es el plazo de devolución?"],
  ["de", "Gibt es dieselbe Jacke auch in Blau?"],
  ["de", "Ich dachte an das Jahresabo, was kostet es?"],
  ["de", "Kann ich ohne Originalverpackung zurückschicken?"],
  ["de", "Welche Größe ist richtig für 1,80 m?"],
  ["en", "Hi! Could you tell me whether the sale ends today?"],
  ["en", "I'd like to change my delivery address please"],
  ["fr", "Bonjour, puis-je modifier mon adresse de livraison ?"],
  ["fr", "Vous pouvez me confirmer si la promo se termine aujourd'hui ?"],
  ["es", "Hola, ¿puedo cambiar la dirección de entrega?"],
  ["es", "¿Me confirmáis si la oferta termina hoy?"],
  ["de", "Hallo, kann ich meine Lieferadresse ändern?"],
  ["de", "Können Sie bestätigen, ob das Angebot heute endet?"],
];

describe("rules@2 cue families on new messages", () => {
  it.each(FRUSTRATED)("%s: %s → frustrated", (language, text) => {
    expect(read(text, language).emotion).toBe("frustrated");
  });
  it.each(CONFUSED)("%s: %s → confused", (language, text) => {
    expect(read(text, language).emotion).toBe("confused");
  });
  it.each(URGENT)("%s: %s → urgent", (language, text) => {
    expect(read(text, language).emotion).toBe("urgent");
  });
  it.each(HAPPY)("%s: %s → happy", (language, text) => {
    expect(read(text, language).emotion).toBe("happy");
  });
  it.each(NEUTRAL)("%s: %s → neutral", (language, text) => {
    expect(read(text, language).emotion).toBe("neutral");
  });
});
describe("rules@2 mechanisms", () => {
  it("reports its version as rules@2", () => {
    expect(detector.version).toBe("rules@2");
  });

  it("does not read mood words inside scare quotes, and reads the quotes as sarcasm next to praise", () => {
    expect(read("the 'urgent' option took 10 days to arrive", "en").emotion).not.toBe("urgent");
    const sarcastic = read("Great 'support' as usual", "en");
    expect(sarcastic).toMatchObject({ emotion: "frustrated", cues: expect.arrayContaining(["sarcasm"]) });
    // Without the sarcasm family the quoted words count again.
    const literal = createEmotionDetector({ cueFamilies: { sarcasm: false } });
    expect(literal.read("Great 'support' as usual", "en").emotion).toBe("happy");
    // An apostrophe is not a quote: "I'm" and "it's" leave the message as it is.
    expect(read("I'm so happy it's fixed", "en").emotion).toBe("happy");
  });

  it("reads applause as praise alone and as sarcasm next to a complaint", () => {
    expect(read("Thank you, great work 👏", "en").emotion).toBe("happy");
    expect(read("delivered after 12 days 👏👏", "en")).toMatchObject({
      emotion: "frustrated",
      cues: expect.arrayContaining(["sarcasm", "phrase:took-too-long"]),
    });
    expect(
      createEmotionDetector({ cueFamilies: { sarcasm: false } }).read(
        "Bravo, livré au bout de 12 jours 👏",
        "fr",
      ).emotion,
    ).toBe("happy");
  });

  it("takes a sign-off's thanks away, but not real praise", () => {
    expect(read("thanks, that's all", "en")).toMatchObject({ emotion: "neutral", score: 0 });
    expect(read("c'est tout, merci", "fr").emotion).toBe("neutral");
    expect(read("that's all, thanks, great service!", "en").emotion).toBe("happy");
  });

  it("needs two cues for a countdown or a 'where do I find': one alone is a plain question", () => {
    expect(read("Can you deliver in 2 hours?", "en").emotion).toBe("neutral");
    expect(read("Can you deliver quickly?", "en").emotion).toBe("neutral");
    expect(read("Can you deliver quickly? My flight is in 2 hours", "en")).toMatchObject({
      emotion: "urgent",
      cues: expect.arrayContaining(["phrase:countdown", "phrase:quickly"]),
    });
    expect(read("Wo finde ich die Händler-ID?", "de").emotion).toBe("neutral");
    expect(read("Was ist eine 'Händler-ID'? Wo finde ich die?", "de").emotion).toBe("confused");
  });

  it("reads exasperated openers and one-word sentences only as sentences of their own", () => {
    expect(read("Seriously?", "en").cues).toContain("phrase:rhetorical-question");
    expect(read("Seriously good service, thanks", "en").emotion).toBe("happy");
    expect(read("Could you send the link again?", "en").emotion).toBe("neutral");
    expect(read("Le lien a expiré. Encore.", "fr").cues).toContain("phrase:again");
    expect(read("Nothing else, thanks", "en").cues).not.toContain("phrase:nothing-after");
  });

  it("does not read instalments as repeated contact", () => {
    expect(read("On peut payer en plusieurs fois ?", "fr").emotion).toBe("neutral");
    expect(read("C'est la troisième fois que j'écris", "fr").emotion).toBe("frustrated");
  });
});
