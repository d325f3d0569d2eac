import { expect } from 'chai';
import { fa } from '../../server/i18n/fa/index';
import { en } from '../../server/i18n/en/index';
import { cast, countRows, startPortal, storedObjects, type Cast, type TestPortal } from '../helpers/portal';
import { signIn } from '../helpers/sign-in';

/**
 * The upload form as a browser without the script gets it (one file, one title field), and what the script needs
 * to give each of several files its own title, in the reader's language.
 */
describe('the upload form: one file without a script, several with it', function () {
  this.timeout(60_000);
  let portal: TestPortal;
  let c: Cast;

  before(async () => {
    portal = await startPortal();
    c = await cast(portal);
  });
  after(() => portal.close());

  function messages(html: string) {
    const json = /<script type="application\/json" id="upload-messages">([^<]*)<\/script>/.exec(html);
    expect(json, 'the upload messages block').to.not.equal(null);
    return JSON.parse(json![1]!) as { queue: Record<string, string>; fileTypes: Record<string, string>; fileLabel: string; sizeUnits: string };
  }

  it('is one form with a single title field and a required file input, marked for per-file titles', async () => {
    const { agent } = await signIn(portal.app, c.owner.user.username);
    const html = (await agent.get('/documents/new').expect(200)).text;
    expect(html).to.match(/<form class="upload-form" method="post" enctype="multipart\/form-data" action="\/documents\/new\?_csrf=[^"]+" data-upload data-titles /);
    expect(html).to.match(/<div class="single-title" data-single-title>\s*<label>عنوان\s*<input name="title" value="" required maxlength="300" dir="auto">/);
    expect(html).to.include('<input id="upload-file" type="file" name="file" required');
    expect(html.match(/name="title"/g), 'one title field').to.have.length(1);
    expect(html.indexOf('data-upload-queue'), 'the list of files sits under the drop zone').to.be.below(html.indexOf('name="summary"'));
  });

  for (const [locale, catalogue] of [['fa', fa], ['en', en]] as const) {
    it(`gives the script its words in ${locale === 'fa' ? 'Persian' : 'English'}: titles, remove, formats by extension, sizes`, async () => {
      const { agent } = await signIn(portal.app, c.owner.user.username, locale);
      const found = messages((await agent.get('/documents/new').expect(200)).text);
      expect(found.queue.titleLabel).to.equal(catalogue.documents.queue.titleLabel);
      expect(found.queue.removeLabel).to.equal(catalogue.documents.queue.removeLabel);
      expect(found.queue.submitAllText).to.equal(catalogue.documents.queue.submitAllText);
      expect(found.fileTypes).to.include({ pdf: 'PDF', docx: 'Word', jpg: catalogue.files.type.jpeg, jpeg: catalogue.files.type.jpeg, htm: catalogue.files.type.html, other: catalogue.files.type.other });
      expect(found.fileLabel).to.equal('{type} · {size}');
      expect(found.sizeUnits).to.equal(catalogue.common.fileSizeUnits);
    });
  }

  it('without the script, names each refused field next to it and keeps what was typed (400, nothing stored)', async () => {
    for (const [locale, catalogue] of [['fa', fa], ['en', en]] as const) {
      const { agent, csrf } = await signIn(portal.app, c.owner.user.username, locale);
      const [documents, objects] = [countRows(portal, 'documents'), storedObjects(portal).length];
      const res = await agent
        .post(`/documents/new?_csrf=${encodeURIComponent(csrf)}`)
        .field('title', '')
        .field('summary', 'چکیده‌ای که می‌ماند')
        .field('kind', 'threat-study')
        .field('year', 'سال')
        .field('access', 'portal')
        .attach('file', Buffer.from('متن\n'), 'یادداشت.txt')
        .expect(400);
      expect(res.text).to.include(`<p class="field-error" id="title-error">${catalogue.documents.fieldErrors.title}</p>`);
      expect(res.text).to.include(`<p class="field-error" id="year-error">${catalogue.documents.fieldErrors.year}</p>`);
      expect(res.text).to.include('aria-invalid="true" aria-describedby="title-error"');
      expect(res.text).to.include('چکیده‌ای که می‌ماند</textarea>');
      expect(res.text).to.include(catalogue.documents.fileNotKept);
      expect(countRows(portal, 'documents')).to.equal(documents);
      expect(storedObjects(portal).length).to.equal(objects);
    }
  });
});
