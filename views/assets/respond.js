// The respondent's page: SurveyJS in the browser, autosaving drafts, submitting once.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('survey-data').textContent);
  var base = location.pathname.replace(/\/+$/, '');
  // The language the page is shown in, so that server messages match it after a switch.
  var lang = '?lang=' + encodeURIComponent(data.locale);
  var statusEl = document.getElementById('save-status');
  var jsonHeaders = { 'content-type': 'application/json', accept: 'application/json' };

  var survey = new Survey.Model(data.definition);
  survey.locale = data.locale;
  // The server refuses free text longer than this whatever the definition says (older versions allowed more).
  var MAX_TEXT = 400;
  survey.maxTextLength = MAX_TEXT;
  survey.maxOthersLength = MAX_TEXT;
  survey.getAllQuestions().forEach(function (question) {
    if (question.maxLength > MAX_TEXT) question.maxLength = MAX_TEXT;
  });
  if (data.draft) {
    survey.data = data.draft.answers || {};
    if (typeof data.draft.page === 'number' && data.draft.page < survey.visiblePages.length) {
      survey.currentPageNo = data.draft.page;
    }
  }

  function setStatus(text, state) {
    statusEl.textContent = text;
    statusEl.dataset.state = state;
  }

  var timer = null;
  var completed = false;
  function saveDraft() {
    clearTimeout(timer);
    timer = null;
    if (completed) return Promise.resolve();
    setStatus(data.messages.saving, 'saving');
    return fetch(base + '/draft' + lang, {
      method: 'PUT',
      headers: jsonHeaders,
      body: JSON.stringify({ answers: survey.data, page: survey.currentPageNo, surveyVersion: data.versionId }),
      keepalive: true,
    }).then(function (response) {
      if (response.ok) return setStatus(data.messages.saved, 'saved');
      if (response.status !== 400) throw new Error(String(response.status));
      // A refused draft (a character that cannot be stored, text too long) says why, not "check your connection".
      return response.json().then(function (body) {
        var detail = body.errors && body.errors[0] ? body.errors[0].message : '';
        setStatus(body.error.message + (detail && detail !== body.error.message ? ' ' + detail : ''), 'error');
      });
    }).catch(function () {
      setStatus(data.messages.saveFailed, 'error');
    });
  }

  survey.onValueChanged.add(function () {
    clearTimeout(timer);
    timer = setTimeout(saveDraft, 600);
  });
  survey.onCurrentPageChanged.add(saveDraft);

  // Returns whether any error belonged to a question (a refused character, say, is about the whole request).
  function showServerErrors(errors) {
    var first = null;
    errors.forEach(function (error) {
      var question = survey.getQuestionByName(error.question);
      if (!question) return;
      question.addError(error.message);
      if (!first) first = question;
    });
    if (first) first.focus();
    return first !== null;
  }

  // SurveyJS completes locally; we let it only once the server has the answers.
  survey.onCompleting.add(function (sender, options) {
    if (completed) return;
    options.allow = false;
    clearTimeout(timer);
    setStatus(data.messages.saving, 'saving');
    fetch(base + '/complete' + lang, {
      method: 'POST',
      headers: jsonHeaders,
      body: JSON.stringify({ answers: sender.data, surveyVersion: data.versionId }),
    }).then(function (response) {
      if (response.status === 201 || response.status === 409) {
        completed = true;
        location.assign('/thanks?lang=' + encodeURIComponent(sender.locale) + '&join=' + encodeURIComponent(data.join));
        return;
      }
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.status === 400 && Array.isArray(body.errors) && showServerErrors(body.errors)) {
          setStatus('', 'error');
        } else {
          setStatus((body.error && body.error.message) || data.messages.submitFailed, 'error');
        }
      });
    }).catch(function () {
      setStatus(data.messages.submitFailed, 'error');
    });
  });

  // Switching language reloads the page in the other language; save first so nothing is lost.
  var switcher = document.getElementById('lang-switch');
  if (switcher) {
    switcher.addEventListener('click', function (event) {
      event.preventDefault();
      saveDraft().then(function () { location.assign(switcher.href); });
    });
  }

  survey.render(document.getElementById('survey'));
})();
